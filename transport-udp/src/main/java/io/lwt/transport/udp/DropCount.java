package io.lwt.transport.udp;

/**
 * Datagrams dropped on one path, told in a line at most every ten seconds, so that a flood of drops costs a line, not
 * a line each. One thread at a time: the path's own.
 */
final class DropCount {

    private static final long QUIET = 10_000_000_000L;
    private long count;
    private long lastLine;

    /**
     * Counts {@code n} more drops.
     *
     * @return how many to tell now, those since the last line; 0 when it is not yet time for a line
     */
    long add(long n) {
        count += n;
        long now = System.nanoTime();
        if (lastLine != 0 && now - lastLine < QUIET) {
            return 0;
        }
        lastLine = now;
        long told = count;
        count = 0;
        return told;
    }
}
