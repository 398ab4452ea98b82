/** Routing policy {@code isolated}: clients reach only the hub, never each other. */
module io.lwt.routing.isolated {
    requires io.lwt.api;

    provides io.lwt.api.routing.RoutingProvider with io.lwt.routing.isolated.IsolatedRoutingProvider;
}
