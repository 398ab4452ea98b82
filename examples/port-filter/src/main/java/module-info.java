/** Example third-party plugin: routing policy {@code port-filter}. Compiled against io.lwt.api, which records its version. */
module io.lwt.examples.portfilter {
    requires io.lwt.api;

    provides io.lwt.api.routing.RoutingProvider with io.lwt.examples.portfilter.PortFilterProvider;
}
