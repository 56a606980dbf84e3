"""The few GraphQL calls the operator commands make to a running Dagster webserver."""

from __future__ import annotations

import httpx

LAUNCH_BACKFILL = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}"""

BACKFILL_STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { id status numPartitions }
    ... on Error { message }
  }
}"""


class GraphQLError(RuntimeError):
    pass


def call(url: str, query: str, variables: dict, timeout: float = 60.0) -> dict:
    try:
        response = httpx.post(url.rstrip("/") + "/graphql", json={"query": query, "variables": variables},
                              timeout=timeout)
    except httpx.HTTPError as e:
        raise GraphQLError(f"cannot reach the Dagster webserver at {url}: {e}") from None
    if response.status_code != 200:
        raise GraphQLError(f"the Dagster webserver at {url} answered HTTP {response.status_code}: "
                           f"{response.text[:300]}")
    body = response.json()
    if body.get("errors"):
        raise GraphQLError("; ".join(e.get("message", "?") for e in body["errors"]))
    return body["data"]


def launch_backfill(url: str, asset_keys: list[list[str]], partitions: list[str], title: str) -> str:
    data = call(url, LAUNCH_BACKFILL, {"params": {
        "assetSelection": [{"path": k} for k in asset_keys], "partitionNames": partitions, "title": title}})
    result = data["launchPartitionBackfill"]
    if result["__typename"] != "LaunchBackfillSuccess":
        raise GraphQLError(f"the backfill was not launched: {result['__typename']}: {result.get('message')}")
    return result["backfillId"]


def backfill_status(url: str, backfill_id: str) -> str:
    result = call(url, BACKFILL_STATUS, {"id": backfill_id})["partitionBackfillOrError"]
    if result["__typename"] != "PartitionBackfill":
        raise GraphQLError(f"backfill {backfill_id}: {result['__typename']}: {result.get('message')}")
    return result["status"]
