// The part of js-yaml 4's API that kube/yaml-schema.ts and kube/yaml-block.ts use (the package ships no types).
declare module 'js-yaml' {
  export class Type {
    constructor(tag: string, options: { kind: 'scalar' | 'sequence' | 'mapping'; resolve?: (data: any) => boolean; construct?: (data: any) => unknown });
    readonly tag: string;
    resolve(data: string): boolean;
    construct(data: string): unknown;
  }
  export class Schema {
    extend(types: Type | Type[] | { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export const CORE_SCHEMA: Schema;
  export const FAILSAFE_SCHEMA: Schema;
  export const types: { readonly merge: Type; readonly null: Type; readonly bool: Type; readonly float: Type };
  export class YAMLException extends Error {
    readonly reason?: string;
    readonly mark?: { readonly line: number; readonly column: number };
  }
  export function loadAll(text: string, iterator: undefined, options: { schema?: Schema; maxDepth?: number; filename?: string }): unknown[];
}
