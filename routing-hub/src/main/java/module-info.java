/** Routing policy {@code hub}: clients reach each other and the hub. */
module io.lwt.routing.hub {
    requires io.lwt.api;

    provides io.lwt.api.routing.RoutingProvider with io.lwt.routing.hub.HubRoutingProvider;
}
