import type { SqlParam } from '../../store/store';

/**
 * A parameterised WHERE clause built piece by piece: every value travels as a parameter (`$n`),
 * never as SQL text. `param` also serves the rest of the statement (a bucket width in a SELECT),
 * so one parameter list numbers them all.
 */
export class SqlWhere {
  readonly params: SqlParam[] = [];
  private readonly conditions: string[] = [];

  /** The placeholder of a new parameter holding `value`. */
  param(value: SqlParam): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** A condition written with placeholders from `param`. */
  add(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** `column = value`, only when the optional filter is set. */
  equalsIf(column: string, value: string | undefined): this {
    return value ? this.add(`${column} = ${this.param(value)}`) : this;
  }

  /** Rows of the granted projects inside [from, to] (epoch ms); `alias.` prefixes the columns. */
  scope(projects: string[], from: number, to: number, alias?: string): this {
    const c = alias ? `${alias}.` : '';
    return this.add(`${c}project = ANY(${this.param(projects)}::text[])`)
      .add(`${c}ts >= ${this.param(from)}::bigint`)
      .add(`${c}ts <= ${this.param(to)}::bigint`);
  }

  toString(): string {
    return this.conditions.join(' AND ');
  }
}
