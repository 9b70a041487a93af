"""RDS DB instances are not publicly accessible (FSBP RDS.2, CIS v3.0.0 2.3.3).

Given an instance with publiclyAccessible false (or "false")           -> COMPLIANT
Given an instance with publiclyAccessible true (or "true")             -> NON_COMPLIANT
Given an Aurora cluster member, a Neptune or a DocumentDB instance (AWS Config records all
      of them as AWS::RDS::DBInstance; the flag means the same: the endpoint resolves to a
      public address)                                                   -> judged the same way
Given an item without the flag (a partial select row, or an engine Config recorded without
      it): ask rds:DescribeDBInstances for that instance, found by its resource id
      - the API reports the flag                                        -> judged on it
      - the instance no longer exists                                   -> NOT_APPLICABLE
      - the API reports no flag either (the engine has no public access setting)
                                                                        -> NOT_APPLICABLE
      - the item names no instance we could look up                     -> NON_COMPLIANT
Given a deleted instance                                                -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_bool
from scanmonster.runtime.rule import (
    CheckRule,
    Evaluation,
    compliant,
    non_compliant,
    not_applicable,
)


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        configuration = configuration_item.get("configuration") or {}
        name = (
            configuration.get("dBInstanceIdentifier")
            or configuration_item.get("resourceName")
            or configuration_item.get("resourceId")
        )
        engine = configuration.get("engine") or "unknown engine"
        public = as_bool(configuration.get("publiclyAccessible"))
        if public is None:
            # Not guessing: a missing flag is neither "private" nor "public".
            lookup = _filter(configuration_item, configuration)
            if lookup is None:
                return [
                    non_compliant(
                        f"DB instance {name}: AWS Config recorded no public access setting and "
                        "no identifier to look it up; check it in the RDS console."
                    )
                ]
            # The instance lives in the item's region (a local scan reads several regions).
            instances = (
                client_factory.build_client("rds", configuration_item.get("awsRegion"))
                .describe_db_instances(Filters=[lookup])
                .get("DBInstances", [])
            )
            if not instances:
                return [not_applicable(f"DB instance {name} no longer exists.")]
            public = as_bool(instances[0].get("PubliclyAccessible"))
            if public is None:
                return [
                    not_applicable(f"DB instance {name} ({engine}) has no public access setting.")
                ]
        if public:
            return [
                non_compliant(
                    f"DB instance {name} ({engine}) is publicly accessible: its address "
                    "resolves to a public IP that the internet can try to reach."
                )
            ]
        return [compliant(f"DB instance {name} ({engine}) is not publicly accessible.")]


def _filter(item: dict[str, Any], configuration: dict[str, Any]) -> dict[str, Any] | None:
    """A DescribeDBInstances filter for the item's instance (empty result when it is gone)."""
    resource_id = configuration.get("dbiResourceId") or item.get("resourceId")
    if resource_id:
        return {"Name": "dbi-resource-id", "Values": [resource_id]}
    identifier = configuration.get("dBInstanceIdentifier") or item.get("resourceName")
    if identifier:
        return {"Name": "db-instance-id", "Values": [identifier]}
    return None
