package io.trailwarden.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.arns.Arn;

/**
 * Whether an IAM identity policy makes its holder an administrator, decided from what the policy
 * allows rather than how it is spelt. A policy is admin-equivalent when, after its unconditional
 * denies, it allows either every action outside a list ({@code "*"}, {@code ["s3:GetObject", "*"]},
 * any {@code NotAction}), or one IAM action with which a principal grants itself any permission
 * ({@code iam:*}, {@code iam:Put*}, {@code iam:AttachUserPolicy}, ...), or passing a role together
 * with launching compute that runs as it. Action names compare without case, as IAM compares them.
 *
 * <p>Where the policy cannot be judged with certainty the verdict leans towards an alert: conditions of
 * an Allow are ignored (the holder may well satisfy them), a Deny counts only when it has no condition
 * and covers every resource, and any {@code NotResource} or IAM resource counts as broad enough (a
 * right to rewrite one's own policies is enough to escalate). A document larger than IAM accepts is
 * judged admin-equivalent without being read further: it cannot be decided within bounds, and IAM
 * never accepts one. A document that is not a JSON object grants nothing (IAM refuses it too).
 */
final class AdminEquivalence {
    /**
     * AWS managed policies that are administrator rights or let their holder take them:
     * AdministratorAccess ({@code *} on {@code *}); IAMFullAccess ({@code iam:*}: attach
     * AdministratorAccess to oneself); PowerUserAccess (every action outside IAM, Organizations and
     * Account, so it takes over whatever compute already runs with a privileged role:
     * lambda:UpdateFunctionCode, ssm:SendCommand, ec2 user data). Names compare without case.
     */
    static final Set<String> MANAGED_ADMIN_POLICIES = Set.of("administratoraccess", "iamfullaccess", "poweruseraccess");

    /** IAM actions with which a principal grants itself (or a principal it controls) any permission. */
    private static final List<String> SELF_ESCALATION = List.of("iam:AttachUserPolicy", "iam:AttachGroupPolicy",
            "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy",
            "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AddUserToGroup",
            "iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
            "iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary");
    private static final String PASS_ROLE = "iam:PassRole";
    /** Compute that runs as a role passed to it: with iam:PassRole, the holder acts as any role it can name. */
    private static final List<String> RUNS_AS_PASSED_ROLE = List.of("lambda:CreateFunction", "ec2:RunInstances",
            "cloudformation:CreateStack", "glue:CreateDevEndpoint", "glue:CreateJob", "ecs:RunTask",
            "codebuild:CreateProject", "sagemaker:CreateNotebookInstance", "datapipeline:CreatePipeline");
    /** Stands for any action no policy names: allowed only by {@code *}-like actions and NotAction. */
    private static final String ANY_OTHER_ACTION = "trailwarden-unnamed-service:UnnamedAction";

    /**
     * Longer policy text is judged admin-equivalent unread: IAM accepts at most 10,240 characters (a
     * role's inline policy), this leaves room for URL encoding and white space.
     */
    static final int MAX_DOCUMENT_CHARS = 64 * 1024;
    /** Bounds the work on one document whatever it holds (IAM's own limits are far below). */
    static final int MAX_STATEMENTS = 500;
    static final int MAX_PATTERNS_PER_STATEMENT = 1_000;

    private AdminEquivalence() {}

    /** @param document the parsed policy (an object); anything else is no policy and grants nothing */
    static boolean document(JsonNode document) {
        if (document == null || !document.isObject()) {
            return false;
        }
        List<Statement> statements = new ArrayList<>();
        JsonNode statementNode = member(document, "Statement");
        if (statementNode == null) {
            return false;
        }
        for (JsonNode node : statementNode.isArray() ? statementNode : List.of(statementNode)) {
            if (statements.size() == MAX_STATEMENTS) {
                return true;
            }
            Statement statement = Statement.of(node);
            if (statement == null) {
                continue;
            }
            if (statement.tooLarge) {
                return true;
            }
            statements.add(statement);
        }
        if (allowed(statements, ANY_OTHER_ACTION)) {
            return true;
        }
        for (String action : SELF_ESCALATION) {
            if (allowed(statements, action)) {
                return true;
            }
        }
        if (allowed(statements, PASS_ROLE)) {
            for (String action : RUNS_AS_PASSED_ROLE) {
                if (allowed(statements, action)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A managed policy by ARN: an AWS managed one of {@link #MANAGED_ADMIN_POLICIES} (any partition and
     * path), or one the operator listed in {@code adminPolicies} by ARN or by name, without case.
     */
    static boolean managedPolicy(String arnOrName, Set<String> listedLowerCase) {
        String text = arnOrName.trim().toLowerCase(Locale.ROOT);
        String name = text.substring(text.lastIndexOf('/') + 1);
        if (listedLowerCase.contains(text) || listedLowerCase.contains(name)) {
            return true;
        }
        return Arn.tryFromString(text)
                .filter(arn -> "iam".equals(arn.service()) && arn.accountId().filter("aws"::equals).isPresent()
                        && arn.resourceAsString().startsWith("policy/"))
                .isPresent() && MANAGED_ADMIN_POLICIES.contains(name);
    }

    /**
     * A policy element by name, whatever its case: IAM documents its element names in one spelling, and a
     * variant spelling must not hide an element from this check.
     */
    private static JsonNode member(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        for (java.util.Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String field = names.next();
            if (field.equalsIgnoreCase(name)) {
                return object.get(field);
            }
        }
        return null;
    }

    /**
     * IAM's wildcards, without case: {@code *} any run of characters, {@code ?} one. Greedy with one
     * backtrack point, so the work is bounded by the product of the two lengths whatever the pattern.
     */
    static boolean wildcardMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int starText = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starText = t;
            } else if (p < pattern.length() && (pattern.charAt(p) == '?'
                    || Character.toLowerCase(pattern.charAt(p)) == Character.toLowerCase(text.charAt(t)))) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean allowed(List<Statement> statements, String action) {
        boolean allowed = false;
        for (Statement statement : statements) {
            if (statement.deny && statement.denyApplies && statement.covers(action)) {
                return false;
            }
            allowed |= !statement.deny && statement.covers(action) && statement.resourceCovers(action);
        }
        return allowed;
    }

    private static final class Statement {
        final boolean deny;
        /** A Deny counts only when it surely applies: no condition, every resource. */
        final boolean denyApplies;
        final boolean notAction;
        final List<String> actions;
        final boolean notResource;
        final List<String> resources;
        boolean tooLarge;

        private Statement(boolean deny, boolean denyApplies, boolean notAction, List<String> actions,
                boolean notResource, List<String> resources) {
            this.deny = deny;
            this.denyApplies = denyApplies;
            this.notAction = notAction;
            this.actions = actions;
            this.notResource = notResource;
            this.resources = resources;
        }

        /** Null for an element that is no statement or has an effect IAM does not know. */
        static Statement of(JsonNode node) {
            if (node == null || !node.isObject()) {
                return null;
            }
            JsonNode effectNode = member(node, "Effect");
            String effect = effectNode == null ? "" : effectNode.asText("");
            // An Allow in any case counts; a Deny only as IAM spells it, so a doubtful deny never hides a grant.
            boolean deny = "Deny".equals(effect);
            if (!deny && !"allow".equalsIgnoreCase(effect)) {
                return null;
            }
            JsonNode notActionNode = member(node, "NotAction");
            JsonNode notResourceNode = member(node, "NotResource");
            boolean notAction = notActionNode != null;
            boolean notResource = notResourceNode != null;
            List<String> actions = new ArrayList<>();
            List<String> resources = new ArrayList<>();
            boolean tooLarge = !strings(notAction ? notActionNode : member(node, "Action"), actions)
                    | !strings(notResource ? notResourceNode : member(node, "Resource"), resources);
            boolean denyApplies = deny && member(node, "Condition") == null && !notResource && resources.contains("*");
            Statement statement = new Statement(deny, denyApplies, notAction, actions, notResource, resources);
            statement.tooLarge = tooLarge;
            return statement;
        }

        /** Collects the strings of one value or a list; false when there are more than the bound. */
        private static boolean strings(JsonNode node, List<String> into) {
            if (node == null) {
                return true;
            }
            for (JsonNode element : node.isArray() ? node : List.of(node)) {
                if (into.size() == MAX_PATTERNS_PER_STATEMENT) {
                    return false;
                }
                if (element.isTextual()) {
                    into.add(element.asText().trim());
                }
            }
            return true;
        }

        boolean covers(String action) {
            boolean named = false;
            for (String pattern : actions) {
                if (wildcardMatches(pattern, action)) {
                    named = true;
                    break;
                }
            }
            return named != notAction;
        }

        /**
         * Any NotResource, {@code *}, or an ARN pattern whose service can be the action's: a right to
         * change even one named IAM principal escalates when the holder is that principal.
         */
        boolean resourceCovers(String action) {
            if (notResource) {
                return true;
            }
            String service = action.substring(0, action.indexOf(':'));
            for (String resource : resources) {
                if ("*".equals(resource)) {
                    return true;
                }
                String[] parts = resource.split(":", 6);
                if (parts.length == 6 && wildcardMatches(parts[0], "arn") && wildcardMatches(parts[2], service)
                        && (!ANY_OTHER_ACTION.equals(action) || "*".equals(parts[5]))) {
                    return true;
                }
            }
            return false;
        }
    }
}
