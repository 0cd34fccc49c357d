"""OpenLineage facets copied from imported events into exported ones, made valid.

The spec requires every facet to say who produced it (``_producer``, a URI) and which
schema it follows (``_schemaURL``, a URI). Integrations' events do not always do so (the
dbt and Spark integrations' expected events carry bare facets such as ``dbt_version`` or
``spark.logicalPlan``), and a facet read back must not make the exported event invalid:
a missing or malformed value is filled in, the producer with the producer of the event
the facet came from (else ours), the schema with the standard facet's schema for a
standard key (else the spec's base facet of that kind). Values that are valid are kept
as they were, so a facet keeps its own schema version.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
FACETS = "https://openlineage.io/spec/facets"

# (kind of facet, key) -> the standard facet's schema (file version as in the spec's
# ``spec/facets``; tests/fixtures/interop/openlineage-spec holds those files).
STANDARD: dict[tuple[str, str], str] = {
    ("DatasetFacet", "catalog"): "1-1-0/CatalogDatasetFacet.json#/$defs/CatalogDatasetFacet",
    ("DatasetFacet", "columnLineage"):
        "1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
    ("DatasetFacet", "dataQualityMetrics"):
        "1-0-0/DataQualityMetricsDatasetFacet.json#/$defs/DataQualityMetricsDatasetFacet",
    ("DatasetFacet", "datasetType"):
        "1-0-1/DatasetTypeDatasetFacet.json#/$defs/DatasetTypeDatasetFacet",
    ("DatasetFacet", "version"):
        "1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
    ("DatasetFacet", "dataSource"):
        "1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet",
    ("DatasetFacet", "documentation"):
        "1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet",
    ("DatasetFacet", "hierarchy"): "1-0-0/HierarchyDatasetFacet.json#/$defs/HierarchyDatasetFacet",
    ("DatasetFacet", "lifecycleStateChange"):
        "1-0-1/LifecycleStateChangeDatasetFacet.json#/$defs/LifecycleStateChangeDatasetFacet",
    ("DatasetFacet", "ownership"): "1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet",
    ("DatasetFacet", "schema"): "1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
    ("DatasetFacet", "storage"): "1-0-1/StorageDatasetFacet.json#/$defs/StorageDatasetFacet",
    ("DatasetFacet", "symlinks"): "1-0-1/SymlinksDatasetFacet.json#/$defs/SymlinksDatasetFacet",
    ("DatasetFacet", "tags"): "1-0-0/TagsDatasetFacet.json#/$defs/TagsDatasetFacet",
    ("InputDatasetFacet", "dataQualityAssertions"):
        "1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet",
    ("InputDatasetFacet", "dataQualityMetrics"): "1-0-3/DataQualityMetricsInputDatasetFacet"
        ".json#/$defs/DataQualityMetricsInputDatasetFacet",
    ("InputDatasetFacet", "inputStatistics"):
        "1-0-0/InputStatisticsInputDatasetFacet.json#/$defs/InputStatisticsInputDatasetFacet",
    ("OutputDatasetFacet", "outputStatistics"): "1-0-2/OutputStatisticsOutputDatasetFacet"
        ".json#/$defs/OutputStatisticsOutputDatasetFacet",
    ("JobFacet", "documentation"):
        "1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet",
    ("JobFacet", "jobType"): "2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
    ("JobFacet", "ownership"): "1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet",
    ("JobFacet", "sql"): "1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet",
    ("JobFacet", "sourceCode"): "1-0-1/SourceCodeJobFacet.json#/$defs/SourceCodeJobFacet",
    ("JobFacet", "sourceCodeLocation"):
        "1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet",
    ("JobFacet", "tags"): "1-0-0/TagsJobFacet.json#/$defs/TagsJobFacet",
    ("RunFacet", "environmentVariables"):
        "1-0-0/EnvironmentVariablesRunFacet.json#/$defs/EnvironmentVariablesRunFacet",
    ("RunFacet", "errorMessage"): "1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet",
    ("RunFacet", "executionParameters"):
        "1-0-0/ExecutionParametersRunFacet.json#/$defs/ExecutionParametersRunFacet",
    ("RunFacet", "externalQuery"):
        "1-0-2/ExternalQueryRunFacet.json#/$defs/ExternalQueryRunFacet",
    ("RunFacet", "extractionError"):
        "1-1-2/ExtractionErrorRunFacet.json#/$defs/ExtractionErrorRunFacet",
    ("RunFacet", "jobDependencies"):
        "1-0-1/JobDependenciesRunFacet.json#/$defs/JobDependenciesRunFacet",
    ("RunFacet", "nominalTime"): "1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet",
    ("RunFacet", "parent"): "1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet",
    ("RunFacet", "processing_engine"):
        "1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet",
    ("RunFacet", "tags"): "1-0-0/TagsRunFacet.json#/$defs/TagsRunFacet",
    ("RunFacet", "test"): "1-0-1/TestRunFacet.json#/$defs/TestRunFacet",
}
KINDS = ("RunFacet", "JobFacet", "DatasetFacet", "InputDatasetFacet", "OutputDatasetFacet")


def schema_url(kind: str, key: str) -> str:
    """The schema a facet of ``key`` follows: the standard one, else the base facet's."""
    found = STANDARD.get((kind, key))
    return f"{FACETS}/{found}" if found else f"{SPEC}#/$defs/{kind}"


def is_uri(value: object) -> bool:
    """A URI as the spec's ``format: uri`` wants it: a scheme, no spaces."""
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        scheme = urlsplit(value).scheme
    except ValueError:
        return False
    return bool(scheme) and scheme[0].isalpha()


def complete(facets: object, kind: str, producer: str) -> dict[str, Any]:
    """``facets`` with every facet an object carrying a valid ``_producer`` (else
    ``producer``) and ``_schemaURL``; what is not an object is left out (the spec
    allows nothing else)."""
    if not isinstance(facets, dict):
        return {}
    done = {}
    for key, facet in facets.items():
        if not isinstance(facet, dict):
            continue
        if is_uri(facet.get("_producer")) and is_uri(facet.get("_schemaURL")):
            done[key] = facet
            continue
        fixed = dict(facet)
        if not is_uri(fixed.get("_producer")):
            fixed["_producer"] = producer
        if not is_uri(fixed.get("_schemaURL")):
            fixed["_schemaURL"] = schema_url(kind, key)
        done[key] = fixed
    return done
