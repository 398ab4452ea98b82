package io.lwt.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls a TUN device needs, bound by JNA direct mapping (no reflection per call). Buffers are passed
 * as raw addresses ({@code long}) so a read or write allocates nothing. Each call returns -1 on failure with errno
 * in {@link Native#getLastError()}.
 */
final class LibC {

    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRNOTAVAIL = 99;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {}

    static native int open(String path, int flags);

    static native int close(int fd);

    static native int fcntl(int fd, int cmd, int arg);

    static native int ioctl(int fd, long request, byte[] argument);

    /** For requests that take their argument by value, not through a pointer (TUNSETOFFLOAD). */
    static native int ioctl(int fd, long request, long argument);

    static native long read(int fd, long buffer, long count);

    static native long write(int fd, long buffer, long count);

    /** {@code fds}: an array of struct pollfd (int fd, short events, short revents), 8 bytes each. */
    static native int poll(byte[] fds, long count, int timeoutMillis);

    static native int eventfd(int initial, int flags);

    static native int socket(int domain, int type, int protocol);

    static native String strerror(int errno);
}
