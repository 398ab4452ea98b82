package io.lwt.examples.portfilter;

import io.lwt.api.Config;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.routing.RoutingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Routing policy {@code port-filter}: like a hub, clients reach each other and the hub, but only with the protocols
 * and destination ports on the allow-list; anything else from a client is dropped ({@code filtered}).
 *
 * <pre>
 * routing:
 *   port-filter:
 *     allow: [icmp, tcp/22, udp/53]
 * </pre>
 */
public final class PortFilterProvider implements RoutingProvider {

    @Override
    public String name() {
        return "port-filter";
    }

    @Override
    public RoutingPolicy create(Config config) {
        config.requireOnly(Set.of("allow"));
        List<PortFilter.Rule> rules = new ArrayList<>();
        for (String text : config.strings("allow")) {
            try {
                rules.add(PortFilter.Rule.parse(text));
            } catch (IllegalArgumentException e) {
                throw config.error("allow", e.getMessage());
            }
        }
        if (rules.isEmpty()) {
            throw config.error("allow", "the allow-list is empty: nothing would pass");
        }
        return new PortFilter(rules);
    }
}
