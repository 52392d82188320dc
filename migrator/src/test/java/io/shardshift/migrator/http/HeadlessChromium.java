package io.shardshift.migrator.http;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Runs Debian's {@code chromium} headless on a page (no sandbox, no network beyond the page, a throwaway
 * profile) and returns the DOM after a virtual-time budget, or takes a screenshot; or starts it for a
 * {@link DevToolsPage} to drive.
 */
final class HeadlessChromium {
    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser from {@code $CHROMIUM}, else {@code /usr/bin/chromium} or {@code chromium-browser}, if any. */
    static Optional<HeadlessChromium> find() {
        String env = System.getenv("CHROMIUM");
        return Stream.of(env, "/usr/bin/chromium", "/usr/bin/chromium-browser")
                .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst()
                .map(HeadlessChromium::new);
    }

    /**
     * The browser for a test that needs one. Without one the test is skipped on a developer machine, and
     * fails under {@code CI=true}, where a skipped browser test would hide that the dashboard was never
     * rendered; the message says how to install it.
     */
    static HeadlessChromium require() {
        Optional<HeadlessChromium> found = find();
        if (found.isEmpty()) {
            String missing = "chromium not found: install Debian's 'chromium' package (apt-get install chromium, "
                    + "as .ci/run does) or set $CHROMIUM to a Chromium binary";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(missing + " (CI=true: browser tests must run, not be skipped)");
            }
            Assumptions.assumeTrue(false, missing + "; skipping the browser test");
        }
        return found.get();
    }

    /**
     * A browser left running headless ({@code --headless=new}) with DevTools on a free port, its first tab on
     * {@code about:blank}; {@link #close()} kills it (and its helper processes) and removes its profile.
     */
    record Running(Process process, Path profile, int devToolsPort) implements AutoCloseable {
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(profile);
        }
    }

    /** Starts the browser for DevTools, waiting at most {@code timeout} for its port. */
    Running startWithDevTools(Duration timeout) throws IOException {
        Path profile = Files.createTempDirectory("shardshift-devtools");
        Path log = profile.resolve("chromium-output.log");
        Process p = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1100", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Running running = new Running(p, profile, 0);
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            await("chromium writes " + portFile).atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> !p.isAlive() || (Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2));
            if (!p.isAlive()) {
                throw new IOException("chromium exited with " + p.exitValue() + " before opening DevTools: " + Files.readString(log));
            }
            return new Running(p, profile, Integer.parseInt(Files.readAllLines(portFile).get(0).strip()));
        } catch (IOException | RuntimeException e) {
            running.close();
            throw e;
        }
    }

    /** The DOM after the page ran for {@code budgetMillis} of virtual time. */
    String dumpDom(URI url, int budgetMillis) throws IOException, InterruptedException {
        return run(url, budgetMillis, "--dump-dom");
    }

    /** A PNG screenshot of the page after {@code budgetMillis} of virtual time. */
    void screenshot(URI url, int budgetMillis, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(url, budgetMillis, "--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1100", "--hide-scrollbars");
        if (!Files.exists(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(URI url, int budgetMillis, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("shardshift-chromium");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + budgetMillis));
        command.addAll(List.of(extra));
        command.add(url.toString());
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish within 90 s: " + url);
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + Files.readString(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory only
        }
    }
}
