// Public value types of the HCL reader: the JSON-like value Go's hcl.Unmarshal(b, &interface{}) builds.

/** A decoded HCL value: objects, lists, strings, numbers (Go int or float64) and booleans. */
export type HclValue = string | number | boolean | HclValue[] | HclObject;

/** A decoded HCL object (Go's map[string]interface{}). */
export interface HclObject {
  [key: string]: HclValue;
}

/** A place in the source text; line and column are 1-based, columns count Unicode code points. */
export interface HclPosition {
  line: number;
  column: number;
}

/** Options shared by the parse functions. */
export interface HclParseOptions {
  /** Used in error messages and positions, e.g. "server.hcl". */
  filename?: string;
}
