package io.trailwarden.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Property group {@code TrailWarden.Response}: what the job may do to the account when a rule matches. */
public final class ResponseConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Response";

    /**
     * Containment is planned but not carried out. Alerts are still sent: seeing what would have been
     * contained is the point of running dry. On by default, so a fresh deployment changes nothing
     * before someone has read its findings.
     */
    public final boolean dryRun;
    /**
     * ARNs of the principals whose job is to create IAM users (provisioning pipelines, the IAM team's
     * role). For an assumed-role session the role's ARN matches every session of that role.
     */
    public final List<String> allowedProvisioners;

    public ResponseConfig(boolean dryRun, List<String> allowedProvisioners) {
        this.dryRun = dryRun;
        this.allowedProvisioners = List.copyOf(allowedProvisioners);
    }

    /** The same settings with containment forced to dry-run (local runs and replays never act). */
    public ResponseConfig asDryRun() {
        return new ResponseConfig(true, allowedProvisioners);
    }

    public static ResponseConfig defaults() {
        return read(PropertyGroups.empty(), new ArrayList<>());
    }

    static ResponseConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        boolean dryRun = reader.bool("dryRun", true);
        List<String> provisioners = new ArrayList<>();
        for (String arn : reader.list("allowedProvisioners", List.of())) {
            if (isIamPrincipalArn(arn)) {
                provisioners.add(arn);
            } else {
                reader.error("allowedProvisioners", "'" + arn
                        + "' is not an IAM principal ARN (arn:aws:iam::ACCOUNT:user/NAME or role/NAME)");
            }
        }
        reader.rejectUnknownKeys();
        return new ResponseConfig(dryRun, provisioners);
    }

    private static boolean isIamPrincipalArn(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6
                && parts[0].equals("arn")
                && parts[1].startsWith("aws")
                && (parts[2].equals("iam") || parts[2].equals("sts"))
                && parts[4].matches("[0-9]{12}")
                && !parts[5].isEmpty();
    }
}
