package dev.caracal.gateway.core.internal;

/**
 * Whether a class overrides one default method of an interface, found by reflection once per class (a
 * {@link ClassValue}, so a bundle's classes are not pinned after it leaves). The asynchronous completion uses it to
 * tell a filter or provider that only inherits the blocking default of {@code completeAsync} from one that answers
 * without holding a thread. When the lookup fails the answer is {@code true}: calling the method itself is always
 * correct, only perhaps blocking.
 */
final class Overrides extends ClassValue<Boolean> {
    private final Class<?> declaring;
    private final String name;
    private final Class<?>[] parameters;

    Overrides(Class<?> declaring, String name, Class<?>... parameters) {
        this.declaring = declaring;
        this.name = name;
        this.parameters = parameters.clone();
    }

    /** Whether {@code instance}'s class (or a superclass or subinterface of it) overrides the method. */
    boolean by(Object instance) {
        return get(instance.getClass());
    }

    @Override
    protected Boolean computeValue(Class<?> type) {
        try {
            return type.getMethod(name, parameters).getDeclaringClass() != declaring;
        } catch (NoSuchMethodException | SecurityException e) {
            return Boolean.TRUE;
        }
    }
}
