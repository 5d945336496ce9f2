"""Runs AWS's SAM transform (aws-sam-translator) over template.yaml as `sam package` would hand it
to CloudFormation, and prints what it generated as one JSON object.

usage: sam_translate.py TEMPLATE PARAMETERS_JSON [CHANGED_PATH ...]

Packaging is simulated: every local CodeUri/ContentUri becomes an s3:// URI whose key carries a
hash of the file or folder it names (sam package uploads under such a hash), so a changed artifact
gives a changed URI, as it does in a real deploy; each CHANGED_PATH (a CodeUri or ContentUri as
written in the template) is packaged as if its content had changed. Managed policy names resolve to fixed ARNs
(the transform only needs them to exist). Exits 1 with the transform's message when it refuses
the template.
"""
import hashlib
import json
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class Policies:
    """What ManagedPolicyLoader answers, without asking IAM."""

    def load(self):
        return {}


def content_hash(path):
    digest = hashlib.sha256()
    if os.path.isdir(path):
        for root, dirs, files in sorted(os.walk(path)):
            dirs.sort()
            for name in sorted(files):
                with open(os.path.join(root, name), "rb") as f:
                    digest.update(name.encode() + f.read())
    elif os.path.exists(path):
        with open(path, "rb") as f:
            digest.update(f.read())
    else:
        digest.update(b"missing:" + path.encode())
    return digest.hexdigest()[:32]


def package(template, base, changed):
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            uri = props.get(key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                digest = content_hash(os.path.join(base, uri))
                if uri in changed:
                    digest = hashlib.sha256(b"changed:" + digest.encode()).hexdigest()[:32]
                props[key] = "s3://docpipe-artifacts/" + digest


def main():
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    path, parameters = sys.argv[1], json.loads(sys.argv[2])
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    package(template, os.path.dirname(os.path.abspath(path)), set(sys.argv[3:]))
    try:
        output = transform(template, parameters, Policies())
    except InvalidDocumentException as e:
        print("SAM transform refused the template: " + "; ".join(str(c) for c in e.causes), file=sys.stderr)
        sys.exit(1)
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    main()
