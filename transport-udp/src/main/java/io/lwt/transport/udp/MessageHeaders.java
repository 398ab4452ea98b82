package io.lwt.transport.udp;

/**
 * The layout of {@code struct mmsghdr} (a {@code struct msghdr} and the length the kernel sets) and of the
 * {@code struct iovec} and {@code struct cmsghdr} it points to, on 64-bit Linux (x86_64, aarch64): what
 * {@link SendBatch} and {@link ReceiveBatch} fill in for {@code sendmmsg} and {@code recvmmsg}.
 */
final class MessageHeaders {

    static final long MMSGHDR = 64;
    static final long NAME = 0;
    static final long NAME_LENGTH = 8;
    static final long IOV = 16;
    static final long IOV_LENGTH = 24;
    static final long CONTROL = 32;
    static final long CONTROL_LENGTH = 40;
    static final long FLAGS = 48;
    /** {@code msg_len}: the bytes sent or received. */
    static final long LENGTH = 56;
    static final long IOVEC = 16;
    /** A control message's header, {@code cmsg_len}, {@code cmsg_level}, {@code cmsg_type}; its data follows. */
    static final long CMSG_HEADER = 16;

    private MessageHeaders() {}
}
