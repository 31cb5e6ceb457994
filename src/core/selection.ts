import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * Calls `visit` with the name, selection set and node of every field selected in `set`, through inline fragments
 * and named fragments (each named fragment once). Directives (@skip, @include) are not evaluated: a caller
 * deciding what to read ahead reads for a field that may be skipped, never misses one that is not.
 */
export function forEachSelectedField(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  visit: (name: string, selectionSet: SelectionSetNode | undefined, node: FieldNode) => void,
  seen = new Set<string>(),
): void {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) visit(s.name.value, s.selectionSet, s);
    else if (s.kind === Kind.INLINE_FRAGMENT) forEachSelectedField(s.selectionSet, fragments, visit, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      forEachSelectedField(fragments[s.name.value]?.selectionSet, fragments, visit, seen);
    }
  }
}
