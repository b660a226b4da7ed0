"use client";

import { memo, useEffect, useId, useState } from "react";

/** The subset of JSON Schema (2020-12) that node-type config schemas use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  "x-weft-editor"?: string;
  [key: string]: unknown;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null");
  return schema.type;
}

function humanise(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
}

type Change = (key: string, value: unknown) => void;

/** A form generated from an object schema; `errors` are keyed by top-level property. */
export const SchemaForm = memo(function SchemaForm({
  schema,
  value,
  onChange,
  errors,
  disabled,
  idPrefix,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (next: Record<string, unknown>, key: string) => void;
  errors: Record<string, string[]>;
  disabled: boolean;
  idPrefix: string;
}) {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const set: Change = (key, v) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next, key);
  };
  const unknownKeys = Object.keys(value).filter((k) => !(k in props));
  return (
    <div className="schema-form">
      {Object.entries(props).map(([key, prop]) => (
        <PropertyField
          key={`${idPrefix}:${key}`}
          name={key}
          schema={prop}
          required={required.has(key)}
          value={value[key]}
          onChange={(v) => set(key, v)}
          errors={errors[key] ?? []}
          disabled={disabled}
        />
      ))}
      {unknownKeys.length > 0 && (
        <p className="field-error">Unknown fields: {unknownKeys.join(", ")} (edit them in the JSON view).</p>
      )}
    </div>
  );
});

function PropertyField({
  name,
  schema,
  required,
  value,
  onChange,
  errors,
  disabled,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  errors: string[];
  disabled: boolean;
}) {
  const id = useId();
  const type = typeOf(schema);
  const describedBy = [schema.description ? `${id}-hint` : "", errors.length ? `${id}-err` : ""]
    .filter(Boolean)
    .join(" ");
  const common = {
    id,
    disabled,
    "aria-invalid": errors.length > 0 ? true : undefined,
    "aria-describedby": describedBy || undefined,
  };
  const placeholder = schema.default !== undefined ? `Default: ${JSON.stringify(schema.default)}` : undefined;

  let control;
  if (schema.enum && schema.enum.every((v) => typeof v === "string")) {
    control = (
      <select
        {...common}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
      >
        {(!required || value === undefined) && (
          <option value="">
            {schema.default !== undefined ? `Default (${String(schema.default)})` : "—"}
          </option>
        )}
        {(schema.enum as string[]).map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else if (type === "string") {
    const editor = schema["x-weft-editor"];
    if (editor || (schema.maxLength ?? 0) > 500) {
      control = (
        <textarea
          {...common}
          className={editor ? "code-input" : undefined}
          rows={editor === "jsonata" || name === "prompt" || name === "sql" ? 4 : 2}
          spellCheck={false}
          value={typeof value === "string" ? value : ""}
          placeholder={editor === "template" ? "Supports {{input.x}} and {{nodes.id.output}}" : placeholder}
          onChange={(e) => onChange(e.target.value === "" && !required ? undefined : e.target.value)}
        />
      );
    } else {
      control = (
        <input
          {...common}
          value={typeof value === "string" ? value : ""}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value === "" && !required ? undefined : e.target.value)}
        />
      );
    }
  } else if (type === "number" || type === "integer") {
    control = (
      <NumberInput
        common={common}
        value={typeof value === "number" ? value : undefined}
        placeholder={placeholder}
        integer={type === "integer"}
        min={schema.minimum}
        max={schema.maximum}
        onChange={onChange}
      />
    );
  } else if (type === "boolean") {
    return (
      <div className={`field field-check${errors.length ? " field-invalid" : ""}`}>
        <input
          {...common}
          type="checkbox"
          checked={typeof value === "boolean" ? value : schema.default === true}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={id}>{humanise(name)}</label>
        <FieldNotes id={id} schema={schema} errors={errors} />
      </div>
    );
  } else if (
    type === "object" &&
    !schema.properties &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === "object" &&
    typeOf(schema.additionalProperties) === "string"
  ) {
    control = (
      <KeyValueEditor
        label={humanise(name)}
        value={
          value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, string>) : {}
        }
        onChange={onChange}
        disabled={disabled}
      />
    );
  } else if (type === "array" && schema.items && typeOf(schema.items) === "string" && !schema.items.enum) {
    control = (
      <StringList
        label={humanise(name)}
        value={Array.isArray(value) ? value.map(String) : []}
        onChange={(list) => onChange(list.length === 0 && !required ? undefined : list)}
        disabled={disabled}
      />
    );
  } else {
    control = <JsonInput common={common} value={value} onChange={onChange} />;
  }

  return (
    <div className={`field${errors.length ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {humanise(name)}
        {required && (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
        {required && <span className="visually-hidden"> (required)</span>}
      </label>
      {control}
      <FieldNotes id={id} schema={schema} errors={errors} />
    </div>
  );
}

function FieldNotes({ id, schema, errors }: { id: string; schema: JsonSchema; errors: string[] }) {
  return (
    <>
      {schema.description && (
        <p id={`${id}-hint`} className="field-hint">
          {schema.description}
        </p>
      )}
      {errors.length > 0 && (
        <p id={`${id}-err`} className="field-error">
          {errors.join(" ")}
        </p>
      )}
    </>
  );
}

interface Common {
  id: string;
  disabled: boolean;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
}

function NumberInput({
  common,
  value,
  placeholder,
  integer,
  min,
  max,
  onChange,
}: {
  common: Common;
  value: number | undefined;
  placeholder: string | undefined;
  integer: boolean;
  min: number | undefined;
  max: number | undefined;
  onChange: (v: unknown) => void;
}) {
  // Local text so "0." or "-" can be typed on the way to a number.
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    setText((t) => (Number(t) === value && t !== "" ? t : value === undefined ? "" : String(value)));
  }, [value]);
  return (
    <input
      {...common}
      type="number"
      inputMode={integer ? "numeric" : "decimal"}
      step={integer ? 1 : "any"}
      min={min}
      max={max}
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value === "") onChange(undefined);
        else if (!Number.isNaN(Number(e.target.value))) onChange(Number(e.target.value));
      }}
    />
  );
}

function JsonInput({
  common,
  value,
  onChange,
}: {
  common: Common;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const print = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));
  const [text, setText] = useState(print(value));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setText((t) => {
      try {
        if (t.trim() !== "" && JSON.stringify(JSON.parse(t)) === JSON.stringify(value)) return t;
      } catch {
        // keep the user's partial text while it does not parse
        return t;
      }
      return print(value);
    });
  }, [value]);
  return (
    <>
      <textarea
        {...common}
        className="code-input"
        rows={4}
        spellCheck={false}
        value={text}
        placeholder="JSON"
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setBad(false);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <p className="field-error">Not valid JSON yet; the last valid value is kept.</p>}
    </>
  );
}

function KeyValueEditor({
  label,
  value,
  onChange,
  disabled,
}: {
  label: string;
  value: Record<string, string>;
  onChange: (v: unknown) => void;
  disabled: boolean;
}) {
  const entries = Object.entries(value);
  const write = (list: [string, string][]) => onChange(list.length ? Object.fromEntries(list) : undefined);
  return (
    <div className="kv">
      {entries.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input
            aria-label={`${label} key ${i + 1}`}
            value={k}
            disabled={disabled}
            onChange={(e) => write(entries.map((en, j) => (j === i ? [e.target.value, en[1]] : en)))}
          />
          <input
            aria-label={`${label} value ${i + 1}`}
            value={v}
            disabled={disabled}
            onChange={(e) => write(entries.map((en, j) => (j === i ? [en[0], e.target.value] : en)))}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove ${label} ${k || i + 1}`}
            disabled={disabled}
            onClick={() => write(entries.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {!disabled && (
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => {
            let key = "key";
            for (let n = 2; key in value; n += 1) key = `key${n}`;
            write([...entries, [key, ""]]);
          }}
        >
          Add entry
        </button>
      )}
    </div>
  );
}

function StringList({
  label,
  value,
  onChange,
  disabled,
}: {
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
  disabled: boolean;
}) {
  return (
    <div className="kv">
      {value.map((item, i) => (
        <div className="kv-row" key={i}>
          <input
            aria-label={`${label} ${i + 1}`}
            value={item}
            disabled={disabled}
            onChange={(e) => onChange(value.map((v, j) => (j === i ? e.target.value : v)))}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove ${label} ${i + 1}`}
            disabled={disabled}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {!disabled && (
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => onChange([...value, ""])}
        >
          Add item
        </button>
      )}
    </div>
  );
}
