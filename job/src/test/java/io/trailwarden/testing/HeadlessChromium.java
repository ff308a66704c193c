package io.trailwarden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium, run once per page through its command line: {@link #dumpDom} (the DOM after
 * the page loaded, as Chromium serialises it) and {@link #screenshot}. The browser comes from
 * {@code .tools/chromium}, which {@code scripts/install-test-tools.sh} unpacks from Debian's
 * {@code chromium-headless-shell} package (the build runs it before the integration tests).
 */
public final class HeadlessChromium {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Path executable;
    private final Path profile;

    /** What one run printed: the page's output on stdout, Chromium's log (console messages, CSP reports) on stderr. */
    public static final class Run {
        public final String stdout;
        public final String log;

        Run(String stdout, String log) {
            this.stdout = stdout;
            this.log = log;
        }
    }

    /** {@code workDir} holds the browser profile of these runs, so none is shared with another test. */
    public HeadlessChromium(Path workDir) throws IOException {
        executable = MotoServer.repoRoot().resolve(".tools/chromium/headless-shell");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("headless Chromium not found at " + executable
                    + ": run scripts/install-test-tools.sh (the Maven build runs it in pre-integration-test)");
        }
        profile = Files.createDirectories(workDir.resolve("chromium-profile"));
    }

    public Run dumpDom(Path page) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", page.toUri().toString()));
    }

    /** A PNG of the page's first {@code width} x {@code height} pixels. */
    public Run screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        return run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png,
                page.toUri().toString()));
    }

    private Run run(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                // The tests run as root in CI, where Chromium's sandbox refuses to start; the pages are local files.
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
                // Console messages, CSP violations among them, go to stderr.
                "--enable-logging=stderr", "--v=0"));
        command.addAll(arguments);
        Path stdout = Files.createTempFile(profile, "stdout", ".txt");
        Path stderr = Files.createTempFile(profile, "stderr", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("Chromium did not finish within " + TIMEOUT + ": " + command
                    + "\n" + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        Run run = new Run(Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited with " + process.exitValue() + ": " + command + "\n" + run.log);
        }
        return run;
    }
}
