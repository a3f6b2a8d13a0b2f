#!/usr/bin/env python3
"""Derives the simulator's product catalogue from a REES46 events sample (stdlib only).

Usage (from the repository root):
  python3 src/StreamScoring.Simulator/Catalogue/derive_catalogue.py \
      /work/shared/data/rees46/2019-10-01_0000-0250UTC_events.csv \
      src/StreamScoring.Simulator/Catalogue/rees46_catalogue.csv

Output columns: product_id,category_code,brand,price,views,carts,purchases (one row per product,
sorted by product id). An empty category_code becomes "cat.<category_id>" so that products of one
unnamed category still share a category; the REES46 replay must map empty codes the same way.
Price is the median observed price. The output is deterministic for a given input.

Users that the training pipeline holds out for evaluation (StreamScoring.Training.Data.Datasets.
IsHeldOutUser: FNV-1a-64("holdout:" + user_id) % 5 == 0) are skipped, so the held-out REES46
conversion metrics do not see category purchase rates learned from those very users.
"""
import csv
import statistics
import sys
from collections import defaultdict


def fnv1a64(text: str) -> int:
    h = 14695981039346656037
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def is_held_out(user_id: str) -> bool:
    return fnv1a64("holdout:" + user_id) % 5 == 0


def main(src: str, dst: str) -> None:
    products = {}
    counts = defaultdict(lambda: {"view": 0, "cart": 0, "purchase": 0})
    prices = defaultdict(list)
    with open(src, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if is_held_out(row["user_id"].strip()):
                continue
            pid = row["product_id"]
            category = row["category_code"].strip() or f"cat.{row['category_id'].strip()}"
            products.setdefault(pid, (category, row["brand"].strip().lower()))
            if row["event_type"] in counts[pid]:
                counts[pid][row["event_type"]] += 1
            prices[pid].append(float(row["price"]))

    with open(dst, "w", newline="", encoding="utf-8") as f:
        f.write("product_id,category_code,brand,price,views,carts,purchases\n")
        for pid in sorted(products, key=int):
            category, brand = products[pid]
            for text in (category, brand):
                if "," in text or '"' in text:
                    raise ValueError(f"unexpected separator in {text!r}")
            c = counts[pid]
            price = round(statistics.median(prices[pid]), 2)
            f.write(f"{pid},{category},{brand},{price:.2f},{c['view']},{c['cart']},{c['purchase']}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
