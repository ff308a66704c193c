package io.trailwarden.event;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information for {@link CloudTrailEvent}: an opaque type with its own serializer
 * ({@link CloudTrailEventSerializer}). Annotating the class with its {@link Factory} makes every use
 * of the type pick it up, also as a field of another type (the event inside a rule's state).
 */
public final class CloudTrailEventTypeInfo extends TypeInformation<CloudTrailEvent> {
    private static final long serialVersionUID = 1L;

    /** Lets Flink's type extraction find this type information through the class annotation. */
    public static final class Factory extends TypeInfoFactory<CloudTrailEvent> {
        @Override
        public TypeInformation<CloudTrailEvent> createTypeInfo(Type type, Map<String, TypeInformation<?>> parameters) {
            return new CloudTrailEventTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<CloudTrailEvent> getTypeClass() {
        return CloudTrailEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<CloudTrailEvent> createSerializer(SerializerConfig config) {
        return CloudTrailEventSerializer.INSTANCE;
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<CloudTrailEvent> createSerializer(ExecutionConfig config) {
        return CloudTrailEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "CloudTrailEvent";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CloudTrailEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return CloudTrailEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof CloudTrailEventTypeInfo;
    }
}
