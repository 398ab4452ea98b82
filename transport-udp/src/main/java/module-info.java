/**
 * Transport {@code udp}: one datagram per message, one socket for all of a hub's clients, batched system calls
 * ({@code sendmmsg}/{@code recvmmsg}) with UDP segmentation and receive offloads through the foreign function API.
 */
module io.lwt.transport.udp {
    requires io.lwt.api;

    provides io.lwt.api.transport.TransportProvider with io.lwt.transport.udp.UdpTransportProvider;
}
