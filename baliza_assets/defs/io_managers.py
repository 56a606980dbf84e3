"""The lake IO manager: the lake's daily Parquet partitions, local or S3, loaded as inputs."""

import dagster as dg

from ..lib.frames import DayFrames
from .partitions import days
from .resources import LakeResource


class LakeIOManager(dg.ConfigurableIOManager):
    """Loads the lake's daily partitions as inputs: a ``DayFrames`` over the days asked for, one lazy
    scan per day. The assets that archive into the lake write their own partitions (pending rows as
    pages arrive, then ``Lake.promote``) and return a ``MaterializeResult``, so nothing is handed to
    this IO manager to write."""

    lake: LakeResource

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        if obj is not None:
            raise dg.Failure(f"{context.asset_key.to_user_string()}: the lake's partitions are written by the asset "
                             "that archives them (Lake.promote), not handed to the IO manager")

    def load_input(self, context: dg.InputContext) -> "DayFrames":
        lake, table = self.lake.lake(), "/".join(context.asset_key.path)
        return DayFrames(lake.scan_days(table, days(context.asset_partition_keys)))
