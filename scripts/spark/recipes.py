#!/usr/bin/env python3
"""The README's Apache Spark recipes for normalize, run in local mode (tests/recipes.rs runs it).

    recipes.py --normalize BIN --text FILE --names FILE --out DIR --partitions 1,3,7

For each partition count N it writes:
  DIR/text-N.txt     FILE through `normalize --threads 1` with RDD.pipe, one paragraph a record;
  DIR/lookup-N.tsv   the lines of the names FILE as a DataFrame column, streamed through
                     `normalize lookup --format json` by a mapPartitions function: one row
                     (input, canonical, id, type, match) a value, in the column's order.
The test compares each with one run of the binary over the whole input.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys


def text_through_pipe(sc, normalize, path, partitions):
    """Paragraph records (Hadoop's TextInputFormat cut at blank lines) piped through normalize.

    RDD.pipe writes each element followed by one line break, so every paragraph is followed
    by an empty element: each process then reads the paragraphs with their blank lines, as
    the file has them, and a name wrapped across two lines of a paragraph stays whole.
    """
    # About `partitions` input splits: Hadoop cuts the file at byte offsets and each split
    # reads on to the end of its last paragraph, so the records stay in file order.
    split = os.path.getsize(path) // partitions + 1
    paragraphs = sc.newAPIHadoopFile(
        path,
        "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
        "org.apache.hadoop.io.LongWritable",
        "org.apache.hadoop.io.Text",
        conf={
            "textinputformat.record.delimiter": "\n\n",
            "mapreduce.input.fileinputformat.split.maxsize": str(split),
            "mapreduce.input.fileinputformat.split.minsize": str(split),
        },
    ).map(lambda kv: kv[1])
    lines = paragraphs.flatMap(lambda p: [p, ""]).pipe(
        f"{shlex.quote(normalize)} --threads 1", env=dict(os.environ), checkCode=True
    )
    return "\n".join(lines.collect()) + "\n", lines.getNumPartitions()


def lookup_partition(normalize):
    """A mapPartitions function: one `normalize lookup` process per partition, values in on
    standard input (one a line), one JSON object out per value, in order."""

    def run(rows):
        values = [str(r[0] or "").replace("\n", " ").replace("\r", " ") for r in rows]
        if not values:
            return iter(())
        out = subprocess.run(
            [normalize, "lookup", "--format", "json"],
            input="".join(v + "\n" for v in values).encode("utf-8"),
            stdout=subprocess.PIPE,
            check=True,
        ).stdout.decode("utf-8")
        answers = [json.loads(line) for line in out.splitlines()]
        if len(answers) != len(values):
            raise RuntimeError(f"{len(values)} values gave {len(answers)} answers")
        return iter(
            (a["input"], a["canonical"], a["id"], a["type"], a["match"]) for a in answers
        )

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--normalize", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--names", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--partitions", default="1,3,7")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("normalize-recipes")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sc = spark.sparkContext
    names = [line.rstrip("\n") for line in open(args.names, encoding="utf-8")]
    for n in [int(p) for p in args.partitions.split(",")]:
        text, splits = text_through_pipe(sc, args.normalize, os.path.abspath(args.text), n)
        with open(os.path.join(args.out, f"text-{n}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        column = spark.createDataFrame(
            sc.parallelize([(v,) for v in names], n), ["city"]
        )
        rows = column.rdd.mapPartitions(lookup_partition(args.normalize)).collect()
        with open(os.path.join(args.out, f"lookup-{n}.tsv"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write("\t".join(r) + "\n")
        print(
            f"spark, {n} partitions: {len(text)} characters in {splits} input splits, "
            f"{len(rows)} values in {column.rdd.getNumPartitions()} partitions",
            file=sys.stderr,
        )
    spark.stop()


if __name__ == "__main__":
    main()
