package io.trailwarden.rules.sigma;

/** Why a Sigma rule cannot be converted; the message is shown to the user as the reason. */
public final class SigmaException extends Exception {
    private static final long serialVersionUID = 1L;

    public SigmaException(String message) {
        super(message);
    }
}
