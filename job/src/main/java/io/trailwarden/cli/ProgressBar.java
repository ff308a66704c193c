package io.trailwarden.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal: share of the input read, events, rate and time left. Drawn
 * only when stderr is a terminal (a redirected stderr gets the summary alone, not a log full of
 * carriage returns).
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long totalBytes;

    ProgressBar(PrintWriter err, long totalBytes) {
        this.err = err;
        this.totalBytes = totalBytes;
    }

    /**
     * Whether this process's stderr is a terminal. The JDK only tells for stdin and stdout together
     * ({@code System.console()}); on Linux, file descriptor 2 names its device.
     */
    static boolean stderrIsTerminal() {
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException notLinux) {
            return false;
        }
    }

    void draw(long bytesRead, long events, long findings, double seconds) {
        err.print("\r" + line(bytesRead, events, findings, seconds) + "  ");
        err.flush();
    }

    void clear() {
        err.print("\r" + " ".repeat(line(totalBytes, 0, 0, 1).length() + 40) + "\r");
        err.flush();
    }

    String line(long bytesRead, long events, long findings, double seconds) {
        double done = totalBytes <= 0 ? 0 : Math.min(1.0, (double) bytesRead / totalBytes);
        int filled = (int) Math.round(done * WIDTH);
        String eta = done <= 0 ? "--" : duration(seconds * (1 - done) / done);
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %,d events  %,d findings  %,.0f events/s  ETA %s",
                "#".repeat(filled), "-".repeat(WIDTH - filled), done * 100, events, findings,
                events / Math.max(seconds, 1e-3), eta);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
