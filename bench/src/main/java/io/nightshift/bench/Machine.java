package io.nightshift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run measured: cores, memory, CPU model (from /proc) and the JDK that ran Nightshift. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        return "%d cores (%s), %s memory, JDK %s (%s), %s".formatted(Runtime.getRuntime().availableProcessors(), cpuModel(),
                memory(), System.getProperty("java.version"), System.getProperty("java.vm.vendor"), System.getProperty("os.name") + " "
                        + System.getProperty("os.arch"));
    }

    static String shortDescription() {
        return "%d cores, %s, JDK %s".formatted(Runtime.getRuntime().availableProcessors(), memory(),
                System.getProperty("java.version"));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal"))
                    .map(line -> Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0) + " GiB").findFirst()
                    .orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
