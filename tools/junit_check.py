#!/usr/bin/env python3
"""Checks that files are JUnit XML of the shape CI systems read (the Jenkins / Ant schema):
<testsuites> holding <testsuite name tests failures errors> elements, each holding
<testcase name classname time> elements with at most one <failure message type> or
<error message type> child; the counts on every suite and on the root must match the cases.

Usage: python3 tools/junit_check.py FILE...   (exit 1 on the first file that does not fit)
Standard library only, written independently of the Rust code that produces the files.
"""
import sys
import xml.etree.ElementTree as ET


def fail(path, msg):
    print(f"{path}: {msg}")
    sys.exit(1)


def check(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail(path, f"root is <{root.tag}>, not <testsuites>")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root:
        if suite.tag != "testsuite":
            fail(path, f"<{suite.tag}> under <testsuites>")
        for attr in ("name", "tests", "failures", "errors"):
            if attr not in suite.attrib:
                fail(path, f"testsuite without {attr}")
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for case in suite:
            if case.tag != "testcase":
                fail(path, f"<{case.tag}> under <testsuite>")
            for attr in ("name", "classname", "time"):
                if attr not in case.attrib:
                    fail(path, f"testcase without {attr}")
            float(case.attrib["time"])
            counts["tests"] += 1
            children = list(case)
            if len(children) > 1:
                fail(path, f"testcase {case.attrib['name']!r} has {len(children)} children")
            for child in children:
                if child.tag not in ("failure", "error"):
                    fail(path, f"<{child.tag}> under <testcase>")
                if "message" not in child.attrib or "type" not in child.attrib:
                    fail(path, f"<{child.tag}> without message or type")
                counts["failures" if child.tag == "failure" else "errors"] += 1
        for k, v in counts.items():
            if int(suite.attrib[k]) != v:
                fail(path, f"testsuite {suite.attrib['name']!r}: {k}={suite.attrib[k]}, counted {v}")
            totals[k] += v
    for k, v in totals.items():
        if int(root.attrib.get(k, "-1")) != v:
            fail(path, f"testsuites: {k}={root.attrib.get(k)}, counted {v}")
    print(f"{path}: JUnit XML, {totals['tests']} tests, {totals['failures']} failures, {totals['errors']} errors")


for p in sys.argv[1:]:
    check(p)
