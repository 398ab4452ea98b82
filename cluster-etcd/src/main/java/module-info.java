/**
 * Cluster store {@code etcd}: the keys, leases and watches the hubs of one network share, on an etcd cluster reached
 * through its JSON gateway ({@code /v3/...}) with the JDK's HTTP client (docs/cluster.md says why not jetcd).
 */
module io.lwt.cluster.etcd {
    requires io.lwt.api;
    requires java.net.http;

    provides io.lwt.api.cluster.ClusterStoreProvider with io.lwt.cluster.etcd.EtcdClusterStoreProvider;
}
