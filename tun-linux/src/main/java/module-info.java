/** TUN driver {@code linux}: /dev/net/tun through JNA direct mapping, configured with ioctls (no exec of ip). */
module io.lwt.tun.linux {
    requires io.lwt.api;
    requires com.sun.jna;

    // JNA's direct mapping registers native methods on LibC by reflection
    opens io.lwt.tun.linux to com.sun.jna;

    provides io.lwt.api.tun.TunProvider with io.lwt.tun.linux.LinuxTunProvider;
}
