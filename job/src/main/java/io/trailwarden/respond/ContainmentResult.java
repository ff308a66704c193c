package io.trailwarden.respond;

/** What one containment or release did to the account. */
public final class ContainmentResult {
    public final Outcome outcome;
    public final String detail;

    public ContainmentResult(Outcome outcome, String detail) {
        this.outcome = outcome;
        this.detail = detail;
    }

    @Override
    public String toString() {
        return outcome + ": " + detail;
    }
}
