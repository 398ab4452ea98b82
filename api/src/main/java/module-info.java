/**
 * The service provider interfaces of lightweight-tunnel and the small value types they share.
 * Depends on nothing but {@code java.base}: a third-party plugin compiles against this module alone.
 */
module io.lwt.api {
    exports io.lwt.api;
    exports io.lwt.api.tun;
    exports io.lwt.api.transport;
    exports io.lwt.api.codec;
    exports io.lwt.api.routing;
    exports io.lwt.api.cluster;
}
