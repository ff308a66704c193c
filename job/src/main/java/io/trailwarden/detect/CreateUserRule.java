package io.trailwarden.detect;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** The seed rule's matcher: a successful {@code CreateUser} whose caller is not an allowed provisioner. */
public class CreateUserRule extends ProcessFunction<CloudTrailEvent, Finding> {
    private static final long serialVersionUID = 1L;

    public static final String RULE_ID = "iam-user-created-outside-allow-list";
    public static final String TITLE = "IAM user created by a principal outside the provisioner allow-list";
    /** Create Account: Cloud Account. */
    public static final String MITRE_TECHNIQUE = "T1136.003";
    static final String DRY_RUN_NOTE = "dry-run by configuration (TrailWarden.Response.dryRun)";
    static final String NO_TARGET_NOTE = "the record names no created user: alert only";

    private final Set<String> allowedProvisioners;
    private final boolean dryRun;

    public CreateUserRule(List<String> allowedProvisioners, boolean dryRun) {
        this.allowedProvisioners = new HashSet<>(allowedProvisioners);
        this.dryRun = dryRun;
    }

    @Override
    public void processElement(CloudTrailEvent event, Context ctx, Collector<Finding> out) {
        if (matches(event)) {
            out.collect(finding(event));
        }
    }

    boolean matches(CloudTrailEvent event) {
        return "CreateUser".equals(event.eventName)
                && "iam.amazonaws.com".equals(event.eventSource)
                && (event.errorCode == null || event.errorCode.isEmpty())
                && !isAllowed(event.actor);
    }

    /** A role in the allow-list covers every session of that role. */
    private boolean isAllowed(Actor actor) {
        return actor != null
                && ((actor.arn != null && allowedProvisioners.contains(actor.arn))
                        || (actor.sessionIssuerArn != null && allowedProvisioners.contains(actor.sessionIssuerArn)));
    }

    Finding finding(CloudTrailEvent event) {
        Finding finding = new Finding();
        finding.ruleId = RULE_ID;
        finding.title = TITLE;
        finding.severity = Severity.HIGH;
        finding.mitre.add(MITRE_TECHNIQUE);
        finding.actor = event.actor;
        finding.events.add(event);
        finding.findingId = Finding.findingId(RULE_ID, finding.events);
        String userName = event.text("requestParameters.userName");
        if (userName != null) {
            String account = event.recipientAccountId != null ? event.recipientAccountId
                    : event.actor == null ? null : event.actor.accountId;
            finding.target = Target.of(Target.Kind.IAM_USER, userName, event.text("responseElements.user.arn"), account);
            finding.response.add(PlannedAction.of(
                    PlannedAction.Type.CONTAIN, finding.target, dryRun, dryRun ? DRY_RUN_NOTE : null));
            finding.response.add(PlannedAction.of(PlannedAction.Type.ALERT, finding.target, false, null));
        } else {
            finding.response.add(PlannedAction.of(PlannedAction.Type.ALERT, null, false, NO_TARGET_NOTE));
        }
        return finding;
    }
}
