"""Test support for checks: a client factory that records the IAM actions a check uses.

Every check declares the read actions it needs (check.toml `permissions`); rule tests
build clients through RecordingClientFactory and assert that nothing undeclared was
called, so the declared permissions (which become the rule role's policy) are proven
by the tests rather than trusted.
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.clients import ClientFactory

# Where the IAM action is not "<signing service>:<operation>".
IAM_ACTION_OVERRIDES = {
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}
# What the runtime itself calls; granted to every rule role by the stacks.
RUNTIME_ACTIONS = frozenset({"config:PutEvaluations", "config:GetResourceConfigHistory"})


class RecordingClientFactory(ClientFactory):
    """A ClientFactory whose clients record every API call as an IAM action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions: list[str] = []

    def build_client(
        self, service: str, region: str | None = None, assume_role_mode: bool = False
    ) -> Any:
        fresh = (service, region or self.region) not in self._clients
        client = super().build_client(service, region, assume_role_mode)
        if fresh:
            client_name = client.meta.service_model.service_name
            signing = client.meta.service_model.signing_name
            prefix = "s3" if client_name == "s3control" else signing

            def record(model: Any, **_: Any) -> None:
                action = IAM_ACTION_OVERRIDES.get((client_name, model.name))
                self.actions.append(action or f"{prefix}:{model.name}")

            # before-parameter-build is always emitted (before-call is cut short by
            # Stubber, which answers there), so stubbed calls are recorded too.
            client.meta.events.register("before-parameter-build", record)
        return client
