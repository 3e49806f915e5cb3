"""The dispatcher's word on the cluster, as the pages read it."""

from mnist_core.store import cluster_status
from mnist_core.store.cluster_status import CONNECTED, UNREACHABLE, ClusterStatus


def test_a_status_reads_back_and_keeps_when_its_state_began(tmp_path):
    first = cluster_status.write(tmp_path, ClusterStatus(UNREACHABLE, "h:1", "nothing answers"))
    again = cluster_status.write(tmp_path, ClusterStatus(UNREACHABLE, "h:1", "still nothing"))
    assert again.since == first.since
    assert cluster_status.read(tmp_path) == again
    back = cluster_status.write(tmp_path, ClusterStatus(CONNECTED, "h:1", nodes=("a", "b"),
                                                        cpus=8))
    assert back.since >= first.since and back.connected
    assert cluster_status.read(tmp_path).nodes == ("a", "b")


def test_no_status_or_a_damaged_one_reads_as_none(tmp_path):
    assert cluster_status.read(tmp_path) is None
    (tmp_path / cluster_status.STATUS_FILE).write_text('{"state": "conn')
    assert cluster_status.read(tmp_path) is None
