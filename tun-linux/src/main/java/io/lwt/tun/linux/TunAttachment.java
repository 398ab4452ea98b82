package io.lwt.tun.linux;

import com.sun.jna.Native;
import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A descriptor of /dev/net/tun attached to a TUN device ({@code IFF_TUN | IFF_NO_PI}), the name the kernel reports
 * for the device, and whether the descriptor moves a {@link VirtioNetHeader} before each packet. {@link #attach} is
 * called once per device, by the thread that opens it, in whose network namespace the device is made; it keeps
 * nothing between calls.
 *
 * <p>{@link #attach} creates the device unless it is a persistent one, and negotiates the offloads:
 * {@code IFF_VNET_HDR} at TUNSETIFF, then TUNSETVNETHDRSZ and TUNSETOFFLOAD.
 *
 * @param fd the attached descriptor, blocking; the caller owns it
 * @param name the device's name, as the kernel reports it
 * @param offloads whether the kernel accepted the offloads, so that every packet has a virtio-net header
 */
record TunAttachment(int fd, String name, boolean offloads) {

    private static final System.Logger LOG = System.getLogger(TunAttachment.class.getName());

    private static final long TUNSETIFF = 0x400454caL;
    /** _IOW('T', 208, unsigned int): the argument is the flags themselves, not a pointer. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    /** _IOW('T', 216, int): the argument points at the size. */
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final int TUN_F_TSO6 = 0x04;
    private static final int TUN_F_TSO_ECN = 0x08;
    /** What an offloading device asks for: checksum offload and TCP segmentation for IPv4 and IPv6, ECN included. */
    static final int OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;

    /**
     * Opens /dev/net/tun and attaches the descriptor to the device, creating it unless it is a persistent one. With
     * offload flags, first with {@code IFF_VNET_HDR} and the flags; if the kernel refuses any step, the descriptor is
     * closed (which removes a device this call created: nothing is configured yet) and the device is opened again
     * without the header. Re-issuing TUNSETIFF on the same descriptor is not an option: the kernel refuses a second one.
     *
     * @param requested the device name, or a pattern such as {@code lwt%d} for the kernel to complete
     * @param offloadFlags the TUN_F_ flags to ask for, 0 for none
     */
    static TunAttachment attach(String requested, int offloadFlags) throws IOException {
        String refused = null;
        if (offloadFlags != 0) {
            int fd = openTun();
            Ifreq request = new Ifreq(requested).flags((short) (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR));
            if (LibC.ioctl(fd, TUNSETIFF, request.array()) < 0) {
                int errno = Native.getLastError();
                if (errno != LibC.EINVAL) { // EINVAL may be the header flag: try without it, which names the cause
                    LibC.close(fd);
                    throw setIffFailed(requested, errno);
                }
                refused = "TUNSETIFF with IFF_VNET_HDR: " + errnoText(errno);
            } else {
                refused = enableOffloads(fd, offloadFlags);
                if (refused == null) {
                    return new TunAttachment(fd, request.name(), true);
                }
                requested = request.name(); // the same device again, also when the kernel chose the name
            }
            LibC.close(fd);
        }
        int fd = openTun();
        Ifreq request = new Ifreq(requested).flags((short) (IFF_TUN | IFF_NO_PI));
        if (LibC.ioctl(fd, TUNSETIFF, request.array()) < 0) {
            int errno = Native.getLastError();
            LibC.close(fd);
            throw setIffFailed(requested, errno);
        }
        // A persistent device keeps the offloads a previous user turned on; left on, the kernel would hand this
        // descriptor super-segments with no header to say so. A kernel without the ioctl has no offloads to clear.
        if (LibC.ioctl(fd, TUNSETOFFLOAD, 0L) < 0) {
            LOG.log(Level.DEBUG, "TUN device {0}: clearing offloads: {1}", request.name(), errnoText(Native.getLastError()));
        }
        if (refused != null) { // only now: an EINVAL above may have been a name in use, which the retry reports
            LOG.log(Level.WARNING, "TUN device {0}: the kernel refused offloads ({1}); using plain packets",
                    request.name(), refused);
        }
        return new TunAttachment(fd, request.name(), false);
    }

    /**
     * Sets the header size (a persistent device keeps whatever size its last user set) and the offloads.
     *
     * @return null, or why the kernel refused
     */
    private static String enableOffloads(int fd, int offloadFlags) {
        byte[] size = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, VirtioNetHeader.LENGTH).array();
        if (LibC.ioctl(fd, TUNSETVNETHDRSZ, size) < 0) {
            return "TUNSETVNETHDRSZ " + VirtioNetHeader.LENGTH + ": " + errnoText(Native.getLastError());
        }
        if (LibC.ioctl(fd, TUNSETOFFLOAD, Integer.toUnsignedLong(offloadFlags)) < 0) {
            return "TUNSETOFFLOAD 0x" + Integer.toHexString(offloadFlags) + ": " + errnoText(Native.getLastError());
        }
        return null;
    }

    private static int openTun() throws IOException {
        int fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            int errno = Native.getLastError();
            throw new IOException(switch (errno) {
                case LibC.ENOENT, LibC.ENODEV -> "/dev/net/tun is missing: load the tun kernel module (modprobe tun)";
                case LibC.EACCES, LibC.EPERM -> "cannot open /dev/net/tun: permission denied (run as root or with CAP_NET_ADMIN)";
                default -> "cannot open /dev/net/tun: " + LibC.strerror(errno);
            });
        }
        return fd;
    }

    private static IOException setIffFailed(String requested, int errno) {
        return new IOException("cannot create TUN device " + requested + ": " + switch (errno) {
            case LibC.EPERM, LibC.EACCES -> "operation not permitted (run as root or with CAP_NET_ADMIN)";
            case LibC.EBUSY -> "the name is in use";
            case LibC.EINVAL -> "the name is in use by a device that is not a TUN device";
            default -> LibC.strerror(errno);
        });
    }

    private static String errnoText(int errno) {
        return LibC.strerror(errno) + " (errno " + errno + ")";
    }
}
