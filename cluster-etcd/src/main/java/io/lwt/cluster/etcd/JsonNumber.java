package io.lwt.cluster.etcd;

/** A JSON number as written, which {@link JsonReader} has checked against the grammar. */
record JsonNumber(String text) {

    @Override
    public String toString() {
        return text;
    }
}
