package dev.rendezvous.model.api;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The values of one tensor: its element type, its concrete shape and its elements flattened in
 * row-major order into a primitive array ({@code float[]} for FP32, {@code double[]} for FP64,
 * {@code int[]}, {@code long[]}, {@code boolean[]}, {@code String[]}). The arrays are shared, not
 * copied: treat them as read-only.
 */
public final class TensorValue {
    private final DataType type;
    private final long[] shape;
    private final Object data;

    private TensorValue(DataType type, long[] shape, Object data) {
        this.type = Objects.requireNonNull(type, "type");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(data, "data");
        if (data.getClass().getComponentType() != type.elementClass()) {
            throw new IllegalArgumentException(type + " values need a " + type.elementClass().getSimpleName() + "[], got "
                    + data.getClass().getSimpleName());
        }
        long elements = elementCount(shape);
        if (elements != Array.getLength(data)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elements + " values, but "
                    + Array.getLength(data) + " were given");
        }
    }

    /** A tensor over {@code data} (a primitive or String array matching {@code type}), not copied. */
    public static TensorValue of(DataType type, long[] shape, Object data) {
        return new TensorValue(type, shape, data);
    }

    public static TensorValue of(float[] data, long... shape) {
        return new TensorValue(DataType.FP32, shape, data);
    }

    public static TensorValue of(double[] data, long... shape) {
        return new TensorValue(DataType.FP64, shape, data);
    }

    public static TensorValue of(int[] data, long... shape) {
        return new TensorValue(DataType.INT32, shape, data);
    }

    public static TensorValue of(long[] data, long... shape) {
        return new TensorValue(DataType.INT64, shape, data);
    }

    public static TensorValue of(boolean[] data, long... shape) {
        return new TensorValue(DataType.BOOL, shape, data);
    }

    public static TensorValue of(String[] data, long... shape) {
        return new TensorValue(DataType.STRING, shape, data);
    }

    /** The number of elements a shape holds (1 for a scalar's empty shape). */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    public DataType type() {
        return type;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public List<Long> shapeList() {
        return Arrays.stream(shape).boxed().toList();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int index) {
        return shape[index];
    }

    public int size() {
        return Array.getLength(data);
    }

    /** The flat array itself: {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@code boolean[]} or {@code String[]}. */
    public Object data() {
        return data;
    }

    public float[] floats() {
        return as(DataType.FP32, float[].class);
    }

    public double[] doubles() {
        return as(DataType.FP64, double[].class);
    }

    public int[] ints() {
        return as(DataType.INT32, int[].class);
    }

    public long[] longs() {
        return as(DataType.INT64, long[].class);
    }

    public boolean[] booleans() {
        return as(DataType.BOOL, boolean[].class);
    }

    public String[] strings() {
        return as(DataType.STRING, String[].class);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) along dimension 0, copied. */
    public TensorValue rows(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("rows " + from + ".." + to + " are outside shape " + Arrays.toString(shape));
        }
        int rowSize = shape[0] == 0 ? 0 : size() / (int) shape[0];
        Object slice = Array.newInstance(type.elementClass(), (to - from) * rowSize);
        System.arraycopy(data, from * rowSize, slice, 0, (to - from) * rowSize);
        long[] sliceShape = shape.clone();
        sliceShape[0] = to - from;
        return new TensorValue(type, sliceShape, slice);
    }

    /** Stacks tensors of one type whose shapes differ at most in dimension 0, along dimension 0. */
    public static TensorValue concat(List<TensorValue> parts) {
        TensorValue first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        long rows = 0;
        int elements = 0;
        for (TensorValue part : parts) {
            if (part.type != first.type || part.rank() == 0 || part.rank() != first.rank()
                    || !Arrays.equals(part.shape, 1, part.shape.length, first.shape, 1, first.shape.length)) {
                throw new IllegalArgumentException("cannot stack " + part.describe() + " onto " + first.describe());
            }
            rows += part.shape[0];
            elements += part.size();
        }
        Object joined = Array.newInstance(first.type.elementClass(), elements);
        int at = 0;
        for (TensorValue part : parts) {
            System.arraycopy(part.data, 0, joined, at, part.size());
            at += part.size();
        }
        long[] shape = first.shape.clone();
        shape[0] = rows;
        return new TensorValue(first.type, shape, joined);
    }

    /** E.g. {@code FP32 [2, 5]}. */
    public String describe() {
        return type.oipName() + " " + Arrays.toString(shape);
    }

    private <A> A as(DataType expected, Class<A> arrayClass) {
        if (type != expected) {
            throw new IllegalStateException("this tensor is " + type + ", not " + expected);
        }
        return arrayClass.cast(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorValue that && type == that.type && Arrays.equals(shape, that.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {that.data});
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
    }

    @Override
    public String toString() {
        String values = Arrays.deepToString(new Object[] {data});
        return describe() + " " + (values.length() > 80 ? values.substring(1, 78) + "...]" : values.substring(1, values.length() - 1));
    }
}
