package io.trailwarden.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the intrinsic functions of a template the way CloudFormation does at deployment, for the
 * subset the templates use (Ref, Fn::GetAtt ... Arn, Fn::Sub, Fn::If, Fn::Split, Fn::Equals, Fn::Not, Fn::Or,
 * Condition, AWS::NoValue), with given parameter values and the rest at their defaults. Physical names
 * of resources are the ones their properties set.
 */
final class CfnEvaluation {
    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final CfnTemplate template;
    private final Map<String, String> pseudo = new LinkedHashMap<>();
    private final Map<String, String> parameters;

    CfnEvaluation(CfnTemplate template, String account, String region, Map<String, String> parameters) {
        this.template = template;
        this.parameters = parameters;
        pseudo.put("AWS::AccountId", account);
        pseudo.put("AWS::Region", region);
        pseudo.put("AWS::Partition", "aws");
    }

    @SuppressWarnings("unchecked")
    Object evaluate(Object node) {
        if (node instanceof List) {
            List<Object> evaluated = new ArrayList<>();
            for (Object item : (List<Object>) node) {
                Object value = evaluate(item);
                if (value != NO_VALUE) {
                    evaluated.add(value);
                }
            }
            return evaluated;
        }
        if (!(node instanceof Map)) {
            return node;
        }
        Map<String, Object> map = (Map<String, Object>) node;
        if (map.size() == 1) {
            String function = map.keySet().iterator().next();
            Object argument = map.get(function);
            switch (function) {
                case "Ref":
                    return ref((String) argument);
                case "Fn::GetAtt":
                    return getAtt((List<Object>) argument);
                case "Fn::Sub":
                    return sub((String) argument);
                case "Fn::If":
                    List<Object> branches = (List<Object>) argument;
                    return evaluate(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2));
                case "Fn::Split":
                    List<Object> delimiterAndText = (List<Object>) argument;
                    return List.of(String.valueOf(evaluate(delimiterAndText.get(1)))
                            .split(Pattern.quote((String) delimiterAndText.get(0)), -1));
                default:
                    break;
            }
        }
        Map<String, Object> evaluated = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            Object result = evaluate(value);
            if (result != NO_VALUE) {
                evaluated.put(key, result);
            }
        });
        return evaluated;
    }

    @SuppressWarnings("unchecked")
    private boolean condition(String name) {
        return truth(((Map<String, Object>) template.root.get("Conditions")).get(name));
    }

    @SuppressWarnings("unchecked")
    private boolean truth(Object node) {
        Map<String, Object> map = (Map<String, Object>) node;
        String function = map.keySet().iterator().next();
        Object argument = map.get(function);
        switch (function) {
            case "Condition":
                return condition((String) argument);
            case "Fn::Equals":
                List<Object> pair = (List<Object>) argument;
                return String.valueOf(evaluate(pair.get(0))).equals(String.valueOf(evaluate(pair.get(1))));
            case "Fn::Not":
                return !truth(((List<Object>) argument).get(0));
            case "Fn::Or":
                return ((List<Object>) argument).stream().anyMatch(this::truth);
            default:
                throw new IllegalArgumentException("condition function " + function + " is not evaluated here");
        }
    }

    @SuppressWarnings("unchecked")
    private Object ref(String name) {
        if ("AWS::NoValue".equals(name)) {
            return NO_VALUE;
        }
        if (pseudo.containsKey(name)) {
            return pseudo.get(name);
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        Map<String, Object> declared = (Map<String, Object>) template.root.get("Parameters");
        if (declared.containsKey(name)) {
            return String.valueOf(((Map<String, Object>) declared.get(name)).get("Default"));
        }
        Map<String, Object> resource = template.resources().get(name);
        Map<String, Object> properties = CfnTemplate.properties(resource);
        switch ((String) resource.get("Type")) {
            case "AWS::Kinesis::Stream":
                return evaluate(properties.get("Name"));
            case "AWS::SNS::Topic":
                return "arn:aws:sns:" + pseudo.get("AWS::Region") + ":" + pseudo.get("AWS::AccountId") + ":"
                        + evaluate(properties.get("TopicName"));
            case "AWS::IAM::Role":
            case "AWS::Events::EventBus":
                return evaluate(properties.get(resource.get("Type").equals("AWS::IAM::Role") ? "RoleName" : "Name"));
            default:
                throw new IllegalArgumentException("Ref to a " + resource.get("Type") + " is not evaluated here");
        }
    }

    private Object getAtt(List<Object> resourceAndAttribute) {
        String resource = (String) resourceAndAttribute.get(0);
        Object type = template.resources().get(resource).get("Type");
        if ("Arn".equals(resourceAndAttribute.get(1)) && "AWS::IAM::Role".equals(type)) {
            return "arn:aws:iam::" + pseudo.get("AWS::AccountId") + ":role/" + ref(resource);
        }
        if ("Arn".equals(resourceAndAttribute.get(1)) && "AWS::Events::EventBus".equals(type)) {
            return "arn:aws:events:" + pseudo.get("AWS::Region") + ":" + pseudo.get("AWS::AccountId") + ":event-bus/"
                    + ref(resource);
        }
        throw new IllegalArgumentException("GetAtt " + resourceAndAttribute + " is not evaluated here");
    }

    private String sub(String text) {
        Matcher variable = SUB_VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (variable.find()) {
            String name = variable.group(1);
            Object value = name.endsWith(".Arn")
                    ? getAtt(List.of(name.substring(0, name.length() - 4), "Arn"))
                    : ref(name);
            variable.appendReplacement(result, Matcher.quoteReplacement(String.valueOf(value)));
        }
        variable.appendTail(result);
        return result.toString();
    }
}
