package io.lwt.api.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Makes connections between nodes, byte streams or datagrams ({@link #carriesDatagrams()}). Built once per node from
 * its configuration; thread-safe. Its {@code toString()} names it in log lines: its provider's name, e.g. {@code tcp}.
 */
public interface Transport {

    /** Starts listening; {@code local} may have port 0 to let the system choose one. */
    Listener listen(InetSocketAddress local) throws IOException;

    /**
     * Connects to a listener. {@code remote} may be unresolved: resolving it is the transport's job, so that a
     * transport such as TLS can also use the host name.
     */
    Connection dial(InetSocketAddress remote, Duration timeout) throws IOException;

    /**
     * {@code remote} with its host name looked up now, for {@link #dial}; a resolved address as it is.
     *
     * @throws UnknownHostException naming the host, when the name does not resolve
     */
    static InetSocketAddress resolve(InetSocketAddress remote) throws UnknownHostException {
        if (!remote.isUnresolved()) {
            return remote;
        }
        InetSocketAddress resolved = new InetSocketAddress(remote.getHostString(), remote.getPort());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException("cannot resolve " + remote.getHostString());
        }
        return resolved;
    }

    /**
     * Whether this transport encrypts and authenticates the bytes of every connection (as TLS does). A hub whose
     * transport does not warns at start unless its configuration says {@code insecure: true}.
     */
    default boolean encrypts() {
        return false;
    }

    /**
     * Whether its connections carry datagrams ({@link Connection#carriesDatagrams()}); a node then refuses a disguise
     * codec, which needs a byte stream.
     */
    default boolean carriesDatagrams() {
        return false;
    }
}
