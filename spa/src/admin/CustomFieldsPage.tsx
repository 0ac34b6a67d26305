// Admins manage the custom ticket fields (/api/admin/custom-fields): every definition in display
// order, inactive ones too; create one, change one, delete one after confirming. Focus goes into
// the form when it opens and back to what opened it when it closes.
import { useEffect, useRef, useState } from 'react';
import type { AdminCustomField } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { Empty, ErrorMessage, Loading } from '../ui/States';
import { CustomFieldForm } from './CustomFieldForm';
import { optionsSummary, typeLabel } from './customFields';
import { useAdminCustomFields, useDeleteCustomField } from './customFieldQueries';

type Editing = { field: AdminCustomField | null } | null;

function FieldsTable({ fields, busy, onEdit, onDelete }: {
  fields: AdminCustomField[]; busy: boolean;
  onEdit: (f: AdminCustomField) => void; onDelete: (f: AdminCustomField) => void;
}) {
  const th = 'px-3 py-2 text-left font-medium';
  return (
    // focusable, so keyboard users can scroll it on a narrow screen while its buttons are disabled
    <div className="card overflow-x-auto" role="region" aria-label="Custom fields table" tabIndex={0}>
      <table className="w-full text-sm" aria-label="Custom fields">
        <thead className="border-b border-line text-muted">
          <tr>
            <th scope="col" className={th}>Label</th>
            <th scope="col" className={`${th} hidden sm:table-cell`}>Key</th>
            <th scope="col" className={`${th} hidden sm:table-cell`}>Type</th>
            <th scope="col" className={`${th} hidden md:table-cell`}>Options</th>
            <th scope="col" className={`${th} hidden sm:table-cell`}>Required</th>
            <th scope="col" className={th}>Active</th>
            <th scope="col" className={`${th} hidden lg:table-cell`}>Order</th>
            <th scope="col" className={th}><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.id} className={`border-t border-line ${f.active ? '' : 'text-muted'}`}>
              <th scope="row" className="px-3 py-2 text-left font-medium">
                {f.label}
                <span className="block break-all font-mono text-xs font-normal text-muted sm:hidden">{f.key}</span>
              </th>
              <td className="hidden px-3 py-2 font-mono text-xs sm:table-cell">{f.key}</td>
              <td className="hidden px-3 py-2 sm:table-cell">{typeLabel(f.type)}</td>
              <td className="hidden max-w-[16rem] px-3 py-2 md:table-cell" title={f.options.join(', ') || undefined}>{optionsSummary(f.options)}</td>
              <td className="hidden px-3 py-2 sm:table-cell">{f.required ? 'Required' : 'Optional'}</td>
              <td className="px-3 py-2">{f.active ? 'Active' : 'Inactive'}</td>
              <td className="hidden px-3 py-2 lg:table-cell">{f.sort_order}</td>
              <td className="px-3 py-2">
                <div className="flex flex-col items-end gap-1 sm:flex-row sm:justify-end">
                  <button type="button" className="btn px-2 py-1" disabled={busy} aria-label={`Edit ${f.label}`} data-edit={f.id}
                    onClick={() => onEdit(f)}>Edit</button>
                  <button type="button" className="btn px-2 py-1" disabled={busy} aria-label={`Delete ${f.label}`}
                    onClick={() => onDelete(f)}>Delete</button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeleteDialog({ field, onClose, onDeleted }: { field: AdminCustomField; onClose: () => void; onDeleted: () => void }) {
  const del = useDeleteCustomField();
  return (
    <Dialog title={`Delete the field “${field.label}”?`} onClose={onClose}>
      <div className="space-y-2 text-sm">
        <p>It disappears from the new-ticket forms at once.</p>
        <p>Tickets that already have a value for it keep it: their pages go on listing it under the key <code className="font-mono">{field.key}</code>. A new field can reuse that key later.</p>
        {field.active && <p className="text-muted">To take it off the forms but keep its definition, edit it and clear <i>Active</i> instead.</p>}
      </div>
      {del.error && <div className="mt-3"><ErrorMessage>{del.error.message}</ErrorMessage></div>}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <button type="button" className="btn" onClick={onClose}>Cancel</button>
        <button type="button" className="btn border-bad bg-bad text-surface hover:bg-bad/90" disabled={del.isPending}
          onClick={() => del.mutate(field, { onSuccess: onDeleted })}>
          {del.isPending ? 'Deleting…' : 'Delete the field'}
        </button>
      </div>
    </Dialog>
  );
}

export default function CustomFieldsPage() {
  const list = useAdminCustomFields();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<AdminCustomField | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  // Where focus goes once the form or the dialog has gone and the table's buttons are enabled
  // again: a row's Edit (by field id), New field, or the heading.
  const [focusTo, setFocusTo] = useState<string | null>(null);
  useEffect(() => {
    if (!focusTo) return;
    const el = focusTo === 'new' ? newButton.current
      : focusTo === 'heading' ? null : document.querySelector<HTMLElement>(`[data-edit="${focusTo}"]`);
    (el ?? heading.current)?.focus();
    setFocusTo(null);
  }, [focusTo]);
  const open = (field: AdminCustomField | null) => {
    setNotice(null);
    setEditing({ field });
  };
  const close = () => {
    setFocusTo(editing?.field?.id ?? 'new');
    setEditing(null);
  };

  return (
    <>
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <h1 ref={heading} tabIndex={-1} className="text-xl font-semibold focus:outline-none">Custom fields</h1>
          <button ref={newButton} type="button" className="btn btn-primary ml-auto" disabled={!!editing} onClick={() => open(null)}>New field</button>
        </div>
        <p className="text-sm text-muted">Extra questions on the new-ticket forms of the portal and the console, in this order. Inactive fields stay defined but are not asked.</p>
        {notice && <p role="status" className="rounded-md border border-ok/40 bg-ok/10 px-3 py-2 text-sm">{notice}</p>}
        {editing && (
          <CustomFieldForm key={editing.field?.id ?? 'new'} field={editing.field} onCancel={close}
            onDone={(saved) => {
              setNotice(editing.field ? `Saved “${saved.label}”.` : `Created “${saved.label}”. The new-ticket forms ask for it${saved.active ? '' : ' once it is active'}.`);
              close();
            }} />
        )}
        {list.isPending && <Loading label="Loading the custom fields…" />}
        {list.isError && <ErrorMessage>{list.error.message}</ErrorMessage>}
        {list.data && (list.data.length === 0
          ? <Empty title="No custom fields yet.">New ones appear on every new-ticket form.</Empty>
          : <FieldsTable fields={list.data} busy={!!editing} onEdit={open} onDelete={(f) => { setNotice(null); setDeleting(f); }} />)}
      </div>
      {/* outside the spaced column: its top margin would shift the fixed backdrop down */}
      {deleting && (
        <DeleteDialog field={deleting} onClose={() => setDeleting(null)}
          onDeleted={() => {
            setNotice(`Deleted “${deleting.label}”.`);
            setDeleting(null);
            setFocusTo('heading');
          }} />
      )}
    </>
  );
}
