"""Hand-written JSON Schemas for the custom resources deploy/k8s uses.

kubernetes-validate ships schemas for built-in kinds only. These follow the published CRDs of
KEDA 2.x (ScaledObject, TriggerAuthentication) and the Prometheus Operator (ServiceMonitor),
reduced to the fields those CRDs define at the levels we use. Unknown fields are refused, as
the API server's structural-schema pruning would silently drop them, and KEDA's trigger
metadata must be a map of strings, which is the mistake YAML makes easiest (`value: 20`).
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
PROMETHEUS_DURATION = (
    r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"
)
STRING_MAP: Schema = {"type": "object", "additionalProperties": {"type": "string"}}

METADATA: Schema = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": DNS_SUBDOMAIN, "maxLength": 253},
        "namespace": {"type": "string", "pattern": DNS_SUBDOMAIN, "maxLength": 63},
        "labels": STRING_MAP,
        "annotations": STRING_MAP,
    },
}


def _resource(api_version: str, kind: str, spec: Schema) -> Schema:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": METADATA,
            "spec": spec,
        },
    }


RABBITMQ_TRIGGER_METADATA: Schema = {
    "type": "object",
    "required": ["queueName", "mode", "value"],
    "additionalProperties": False,
    "properties": {
        name: {"type": "string"}
        for name in (
            "host",
            "hostFromEnv",
            "queueName",
            "vhostName",
            "value",
            "activationValue",
            "useRegex",
            "excludeUnacknowledged",
            "operation",
            "timeout",
            "unsafeSsl",
            "queueLength",
        )
    }
    | {
        "protocol": {"enum": ["amqp", "http", "auto"]},
        "mode": {"enum": ["QueueLength", "MessageRate"]},
    },
}

SCALED_OBJECT = _resource(
    "keda.sh/v1alpha1",
    "ScaledObject",
    {
        "type": "object",
        "required": ["scaleTargetRef", "triggers"],
        "additionalProperties": False,
        "properties": {
            "scaleTargetRef": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "envSourceContainerName": {"type": "string"},
                },
            },
            "pollingInterval": {"type": "integer", "minimum": 1},
            "cooldownPeriod": {"type": "integer", "minimum": 0},
            "initialCooldownPeriod": {"type": "integer", "minimum": 0},
            "idleReplicaCount": {"type": "integer", "minimum": 0},
            "minReplicaCount": {"type": "integer", "minimum": 0},
            "maxReplicaCount": {"type": "integer", "minimum": 1},
            "fallback": {
                "type": "object",
                "required": ["failureThreshold", "replicas"],
                "properties": {
                    "failureThreshold": {"type": "integer"},
                    "replicas": {"type": "integer"},
                },
            },
            "advanced": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "restoreToOriginalReplicaCount": {"type": "boolean"},
                    "horizontalPodAutoscalerConfig": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            # Same shape as autoscaling/v2 behavior, which the HPA schema covers.
                            "behavior": {"type": "object"},
                        },
                    },
                    "scalingModifiers": {"type": "object"},
                },
            },
            "triggers": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["type", "metadata"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"const": "rabbitmq"},
                        "name": {"type": "string"},
                        "metadata": RABBITMQ_TRIGGER_METADATA,
                        "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                        "useCachedMetrics": {"type": "boolean"},
                        "authenticationRef": {
                            "type": "object",
                            "required": ["name"],
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string"},
                                "kind": {
                                    "enum": [
                                        "TriggerAuthentication",
                                        "ClusterTriggerAuthentication",
                                    ]
                                },
                            },
                        },
                    },
                },
            },
        },
    },
)

TRIGGER_AUTHENTICATION = _resource(
    "keda.sh/v1alpha1",
    "TriggerAuthentication",
    {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "secretTargetRef": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["parameter", "name", "key"],
                    "additionalProperties": False,
                    "properties": {
                        "parameter": {"type": "string"},
                        "name": {"type": "string"},
                        "key": {"type": "string"},
                    },
                },
            },
            "env": {"type": "array"},
            "configMapTargetRef": {"type": "array"},
            "podIdentity": {"type": "object"},
            "hashiCorpVault": {"type": "object"},
            "azureKeyVault": {"type": "object"},
            "awsSecretManager": {"type": "object"},
            "gcpSecretManager": {"type": "object"},
            "boundServiceAccountToken": {"type": "array"},
        },
    },
)

SERVICE_MONITOR = _resource(
    "monitoring.coreos.com/v1",
    "ServiceMonitor",
    {
        "type": "object",
        "required": ["selector", "endpoints"],
        "additionalProperties": False,
        "properties": {
            "selector": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "matchLabels": STRING_MAP,
                    "matchExpressions": {"type": "array"},
                },
            },
            "namespaceSelector": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "any": {"type": "boolean"},
                    "matchNames": {"type": "array", "items": {"type": "string"}},
                },
            },
            "jobLabel": {"type": "string"},
            "targetLabels": {"type": "array", "items": {"type": "string"}},
            "podTargetLabels": {"type": "array", "items": {"type": "string"}},
            "sampleLimit": {"type": "integer", "minimum": 0},
            "endpoints": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "port": {"type": "string"},
                        "targetPort": {"type": ["string", "integer"]},
                        "path": {"type": "string", "pattern": "^/"},
                        "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]},
                        "interval": {"type": "string", "pattern": PROMETHEUS_DURATION},
                        "scrapeTimeout": {"type": "string", "pattern": PROMETHEUS_DURATION},
                        "honorLabels": {"type": "boolean"},
                        "relabelings": {"type": "array"},
                        "metricRelabelings": {"type": "array"},
                        "tlsConfig": {"type": "object"},
                        "authorization": {"type": "object"},
                    },
                },
            },
        },
    },
)

SCHEMAS: dict[tuple[str, str], Schema] = {
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
    ("keda.sh/v1alpha1", "TriggerAuthentication"): TRIGGER_AUTHENTICATION,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): SERVICE_MONITOR,
}
