#!/usr/bin/env python3
"""Writes hostile.jsonl.gz: real CloudTrail records from ../corpus (DataDog/stratus-red-team,
Apache-2.0; see ../corpus/README.md) interleaved with malformed and hostile lines, one per line. Gzipped because line 7 carries a 5 MB field. HostileInputTest holds the
expected dead-letter reason of every bad line; keep the two in step when changing either.

Run from this directory: python3 make_hostile.py
"""
import copy
import gzip
import json
import random

records = [json.loads(line)["event"] for line in open("../corpus/stratus_detonation_logs.jsonl")]


def by(event_name, identity_type=None):
    for record in records:
        if record["eventName"] == event_name and (
                identity_type is None or record["userIdentity"]["type"] == identity_type):
            return copy.deepcopy(record)
    raise KeyError(event_name)


def compact(value):
    return json.dumps(value, separators=(",", ":")).encode()


create_user = by("CreateUser")
bedrock = next(copy.deepcopy(r) for r in records if not r["eventTime"].endswith("Z"))
console_login = by("ConsoleLogin")
assumed_role = next(copy.deepcopy(r) for r in records if r["userIdentity"]["type"] == "AssumedRole")
attach = by("AttachUserPolicy")
stop_logging = by("StopLogging")

lines = []
lines.append(compact(create_user))                                          # 1 valid
lines.append(compact(attach)[:300])                                         # 2 truncated JSON
lines.append(json.dumps(stop_logging).encode())                             # 3 valid (Python's ", " style)
wrong = by("DescribeInstances"); wrong["eventName"] = 42
lines.append(compact(wrong))                                                # 4 eventName a number
wrong = by("GetCallerIdentity"); wrong["eventName"] = {"name": "GetCallerIdentity"}
lines.append(compact(wrong))                                                # 5 eventName an object
lines.append(compact(bedrock))                                              # 6 valid, Bedrock time
huge = by("CreateAccessKey"); huge["requestParameters"] = {"userName": "A" * (5 * 1024 * 1024)}
lines.append(compact(huge))                                                 # 7 5 MB field
rng = random.Random(20240730)
junk = bytes([0x80 + rng.randrange(0x80)]) + bytes(
    b for b in (rng.randrange(256) for _ in range(600)) if b not in (0x0a, 0x0d))
lines.append(junk)                                                          # 8 binary junk
lines.append(b"")                                                           # 9 empty line
lines.append(compact([create_user]))                                        # 10 a JSON array
lines.append(b"42")                                                         # 11 a number
lines.append(b"[" * 5000 + b"]" * 5000)                                     # 12 nested too deep
lines.append(compact(console_login))                                        # 13 valid
missing = by("DeleteTrail"); del missing["eventTime"]
lines.append(compact(missing))                                              # 14 no eventTime
bad_time = by("DeleteTrail"); bad_time["eventTime"] = "yesterday"
lines.append(compact(bad_time))                                             # 15 unusable eventTime
identity = by("CreateLoginProfile"); identity["userIdentity"] = "root"
lines.append(compact(identity))                                             # 16 userIdentity a string
lines.append(compact({"version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
                      "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
                      "account": "123456789012", "time": "2024-07-30T21:31:10Z", "region": "us-east-1",
                      "resources": [], "detail": {"instance-id": "i-0123456789abcdef0",
                                                  "state": "running"}}))    # 17 not CloudTrail
duplicate = compact(by("PutEventSelectors"))
lines.append(duplicate[:-1] + b',"eventName":"ListBuckets"}')               # 18 duplicate key
lines.append(compact(by("DeleteFlowLogs")) + b' {"eventName":"Other"}')      # 19 a second value
lines.append(b'{"eventID":"x\x01y","eventName":"A","eventTime":"2024-07-30T21:31:10Z"}')  # 20 control char
lines.append(compact(assumed_role))                                         # 21 valid
read_only = by("GetSecretValue")
read_only["readOnly"] = "maybe"
lines.append(compact(read_only))                                            # 22 readOnly not a boolean
lines.append(b"   ")                                                        # 23 blank (spaces only)
lines.append(compact(by("CreateAccessKey")))                                # 24 valid

# mtime=0 keeps the file byte-for-byte reproducible.
with open("hostile.jsonl.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
    out.write(b"\n".join(lines) + b"\n")
