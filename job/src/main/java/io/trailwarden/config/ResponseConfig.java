package io.trailwarden.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Property group {@code TrailWarden.Response}: the safety rails and the responders' limits. The
 * defaults are the safe ones: dry-run on, at most 10 containments per 10 minutes.
 */
public final class ResponseConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Response";

    /** Global dry-run: plan and alert, change nothing. */
    public final boolean dryRun;
    /** Rule ids that only ever run dry, whatever the rule file says. */
    public final List<String> dryRunRules;
    /** ARN patterns ({@code *} matches any run of characters) that are never contained. */
    public final List<String> protectedPrincipals;
    /**
     * ARN patterns of roles that may be contained. Any other role is alert-only: a role is often shared
     * (assumed by many people), and revoking its sessions stops every one of them.
     */
    public final List<String> containableRoles;
    /** The job's own role ARNs: always protected, and their API calls never trigger a response. */
    public final List<String> ownRoleArns;
    /** The break-glass role: always protected. Null when there is none. */
    public final String breakGlassRoleArn;
    /** The account the job runs in; targets elsewhere are reached through {@link #responderRoleName}. */
    public final String ownAccountId;
    /** Accounts TrailWarden may contain identities in; empty means the job's own account only. */
    public final List<String> accounts;
    /** Role assumed in a member account to contain an identity there. */
    public final String responderRoleName;
    public final String quarantinePolicyName;
    /** Distinct targets contained per account and window before the cap holds containments back. */
    public final int maxContainments;
    public final Duration containmentWindow;
    /** Extra targets per account and window that only CRITICAL findings may use. */
    public final int criticalReserve;
    /** One attempt of one action (a containment, an alert), SDK retries included. */
    public final Duration actionTimeout;
    /** Actions calling AWS at once, per parallel instance of each responder. */
    public final int maxInFlight;
    /** How long a failed containment or alert is retried before it is given up and a human is told. */
    public final Duration retryFor;
    public final Duration retryBackoffBase;
    public final Duration retryBackoffMax;
    /** Attempts per AWS call, the first included; the SDK retries throttling and 5xx up to this. */
    public final int maxAttempts;
    public final Duration backoffBase;
    public final Duration backoffMax;

    public ResponseConfig(boolean dryRun, List<String> dryRunRules, List<String> protectedPrincipals,
            List<String> containableRoles, List<String> ownRoleArns, String breakGlassRoleArn, String ownAccountId, List<String> accounts,
            String responderRoleName, String quarantinePolicyName, int maxContainments,
            Duration containmentWindow, int criticalReserve, Duration actionTimeout, int maxInFlight,
            Duration retryFor, Duration retryBackoffBase, Duration retryBackoffMax, int maxAttempts,
            Duration backoffBase, Duration backoffMax) {
        this.dryRun = dryRun;
        this.dryRunRules = List.copyOf(dryRunRules);
        this.protectedPrincipals = List.copyOf(protectedPrincipals);
        this.containableRoles = List.copyOf(containableRoles);
        this.ownRoleArns = List.copyOf(ownRoleArns);
        this.breakGlassRoleArn = breakGlassRoleArn;
        this.ownAccountId = ownAccountId;
        this.accounts = List.copyOf(accounts);
        this.responderRoleName = responderRoleName;
        this.quarantinePolicyName = quarantinePolicyName;
        this.maxContainments = maxContainments;
        this.containmentWindow = containmentWindow;
        this.criticalReserve = criticalReserve;
        this.actionTimeout = actionTimeout;
        this.maxInFlight = maxInFlight;
        this.retryFor = retryFor;
        this.retryBackoffBase = retryBackoffBase;
        this.retryBackoffMax = retryBackoffMax;
        this.maxAttempts = maxAttempts;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
    }

    /** The same settings with containment forced to dry-run (local runs and replays never act). */
    public ResponseConfig asDryRun() {
        return new ResponseConfig(true, dryRunRules, protectedPrincipals, containableRoles, ownRoleArns,
                breakGlassRoleArn, ownAccountId, accounts, responderRoleName, quarantinePolicyName, maxContainments,
                containmentWindow, criticalReserve, actionTimeout, maxInFlight, retryFor, retryBackoffBase,
                retryBackoffMax, maxAttempts, backoffBase, backoffMax);
    }

    public static ResponseConfig defaults() {
        return read(PropertyGroups.empty(), new ArrayList<>());
    }

    /** The accounts containment may act in: the configured list, or the job's own account. */
    public List<String> containableAccounts() {
        if (!accounts.isEmpty()) {
            return accounts;
        }
        return ownAccountId == null ? List.of() : List.of(ownAccountId);
    }

    static ResponseConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        String ownAccountId = reader.string("ownAccountId", null);
        if (ownAccountId != null && !ownAccountId.matches("\\d{12}")) {
            reader.error("ownAccountId", "must be a 12-digit account id");
        }
        List<String> accounts = reader.list("accounts", List.of());
        for (String account : accounts) {
            if (!account.matches("\\d{12}")) {
                reader.error("accounts", "'" + account + "' is not a 12-digit account id");
            }
        }
        List<String> ownRoleArns = reader.list("ownRoleArns", List.of());
        String breakGlass = reader.string("breakGlassRoleArn", null);
        for (String arn : ownRoleArns) {
            if (!arn.startsWith("arn:")) {
                reader.error("ownRoleArns", "'" + arn + "' is not an ARN");
            }
        }
        if (breakGlass != null && !breakGlass.startsWith("arn:")) {
            reader.error("breakGlassRoleArn", "is not an ARN");
        }
        String policyName = reader.string("quarantinePolicyName", "TrailWardenQuarantine");
        if (!policyName.matches("[\\w+=,.@-]{1,128}")) {
            reader.error("quarantinePolicyName", "is not a valid IAM policy name");
        }
        String responderRole = reader.string("responderRoleName", "TrailWardenResponder");
        if (!responderRole.matches("[\\w+=,.@-]{1,64}")) {
            reader.error("responderRoleName", "is not a valid IAM role name");
        }
        Duration backoffBase = reader.duration("backoffBase", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofSeconds(10));
        Duration backoffMax = reader.duration("backoffMax", Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(1));
        if (backoffMax.compareTo(backoffBase) < 0) {
            reader.error("backoffMax", "must not be shorter than backoffBase");
        }
        Duration retryBackoffBase = reader.duration("retryBackoffBase", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(10));
        Duration retryBackoffMax = reader.duration("retryBackoffMax", Duration.ofMinutes(5), Duration.ofMillis(10), Duration.ofHours(1));
        if (retryBackoffMax.compareTo(retryBackoffBase) < 0) {
            reader.error("retryBackoffMax", "must not be shorter than retryBackoffBase");
        }
        ResponseConfig config = new ResponseConfig(
                reader.bool("dryRun", true),
                reader.list("dryRunRules", List.of()),
                reader.list("protectedPrincipals", List.of()),
                reader.list("containableRoles", List.of()),
                ownRoleArns,
                breakGlass,
                ownAccountId,
                accounts,
                responderRole,
                policyName,
                reader.integer("maxContainments", 10, 0, 10_000),
                reader.duration("containmentWindow", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
                reader.integer("criticalReserve", 5, 0, 10_000),
                reader.duration("actionTimeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                reader.integer("maxInFlight", 32, 1, 1000),
                reader.duration("retryFor", Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofDays(7)),
                retryBackoffBase,
                retryBackoffMax,
                reader.integer("maxAttempts", 4, 1, 10),
                backoffBase,
                backoffMax);
        reader.rejectUnknownKeys();
        return config;
    }
}
