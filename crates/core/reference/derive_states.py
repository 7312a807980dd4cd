#!/usr/bin/env python3
"""Derive states.csv, detente's list of today's states, from two public tables.

Usage: derive_states.py CODELIST_CSV COW_STATES2016_CSV > states.csv

CODELIST_CSV is countrycode's dictionary/codelist_without_cldr.csv and
COW_STATES2016_CSV is the Correlates of War states2016.csv; see SOURCE.md.
"""
import csv
import sys

codelist, cow_states = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(codelist, encoding="utf-8")))
cow = list(csv.DictReader(open(cow_states, encoding="utf-8")))
cow_current = {int(r["ccode"]) for r in cow if r["endyear"] == "2016"}

# Codes the codelist lacks or maps to a historical entity.
ISO3_FOR_COW = {347: ("XKX", "XK")}  # Kosovo: user-assigned code used by the EU and IMF
COW_FOR_ISO3 = {"SRB": (345, "YUG")}  # COW continues Yugoslavia (345) as Serbia
NO_COW = {"VAT"}  # COW 327 is the Papal States (to 1860), not today's Holy See
OBSERVERS = {"VAT", "PSE"}  # UN General Assembly non-member observer states

out = []
for r in rows:
    iso3, iso2 = r["iso3c"], r["iso2c"]
    cown = int(r["cown"]) if r["cown"] else None
    cowc = r["cowc"]
    if not iso3 and cown in ISO3_FOR_COW:
        iso3, iso2 = ISO3_FOR_COW[cown]
    if iso3 in COW_FOR_ISO3:
        cown, cowc = COW_FOR_ISO3[iso3]
    if iso3 in NO_COW:
        cown, cowc = None, ""
    un_member = bool(r["un.name.en"])
    in_cow = cown in cow_current
    if not (un_member or iso3 in OBSERVERS or in_cow) or not iso3:
        continue
    status = "un_member" if un_member else ("un_observer" if iso3 in OBSERVERS else "non_member")
    out.append({
        "iso3": iso3,
        "iso2": iso2,
        "cow_code": cown if cown is not None else "",
        "cow_abbrev": cowc,
        "gw_code": r["gwn"],
        "un_m49": r["un"],
        "name": r["country.name.en"],
        "un_name": r["un.name.en"],
        "un_status": status,
    })
out.sort(key=lambda x: x["iso3"])
w = csv.DictWriter(sys.stdout, fieldnames=list(out[0].keys()), lineterminator="\n")
w.writeheader()
w.writerows(out)
