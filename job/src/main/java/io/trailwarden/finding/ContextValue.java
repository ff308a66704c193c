package io.trailwarden.finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One labelled entry of a finding's context: what the rule says its alert must name (the role opened,
 * the outside account, the secrets read), with the values taken from the matched events. Values come
 * from CloudTrail records: attacker-controlled text, to be escaped by every renderer. A Flink POJO.
 */
public class ContextValue {
    public String label;
    @TypeInfo(ListTypeInfoFactory.class)
    public List<String> values = new ArrayList<>();

    public ContextValue() {}

    public static ContextValue of(String label, List<String> values) {
        ContextValue entry = new ContextValue();
        entry.label = label;
        entry.values = new ArrayList<>(values);
        return entry;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ContextValue)) {
            return false;
        }
        ContextValue other = (ContextValue) o;
        return Objects.equals(label, other.label) && Objects.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, values);
    }

    @Override
    public String toString() {
        return label + "=" + values;
    }
}
