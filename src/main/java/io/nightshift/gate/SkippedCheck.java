package io.nightshift.gate;

/** A check the policy asks for that could not apply to this evaluation (a comparison with no production model). */
public record SkippedCheck(String name, String reason) {
}
