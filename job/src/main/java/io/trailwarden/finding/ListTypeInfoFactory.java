package io.trailwarden.finding;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;

/**
 * Gives a {@code List<E>} field of a POJO Flink's list serializer over E's own serializer. Without it
 * Flink types the field as a generic {@code List} and hands it to Kryo, which wrote each matched event
 * of a finding field by field through reflection: findings cost as much to collect as thousands of
 * events cost to detect.
 */
public final class ListTypeInfoFactory<E> extends TypeInfoFactory<List<E>> {
    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<List<E>> createTypeInfo(Type type, Map<String, TypeInformation<?>> parameters) {
        if (!(type instanceof ParameterizedType)) {
            throw new IllegalArgumentException("a list field needs its element type spelled out, got " + type);
        }
        Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
        return new ListTypeInfo<>((TypeInformation<E>) TypeExtractor.createTypeInfo(element));
    }
}
