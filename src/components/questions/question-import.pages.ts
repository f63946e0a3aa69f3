// The import page. Without JavaScript the form posts multipart here and the page shows the result;
// with it, bank-import.js sends the file to POST /api/questions/import (upload progress) and renders
// the same result from the JSON. Either way the import is all or nothing.
import { Router, type Request, type Response } from 'express';
import { AppError, ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate, type Locale } from '../../lib/i18n';
import { readUploadText } from '../../lib/upload';
import { parseInput } from '../../lib/validation';
import { importQuestions, type ImportReport } from './question-import.service';
import { healthProblemText } from './bank-health.view';
import { translateDetail } from './question-form';
import { BANK_CSS, domainChoices, errorMessage, LEVELS_DESC, levelLabel } from './question-page.view';
import { IMPORT_LIMIT_BYTES, importQuerySchema } from './question.routes';
import { IMPORT_FORMATS } from './question.schemas';
import type { ImportIssue } from './question.types';

interface ImportValues {
  format: string;
  domain: string;
  levels: string[];
  language: string;
}

interface ImportOutcome {
  report?: ImportReport;
  invalid?: { total: number; errors: ImportIssue[] };
  alert?: string;
  alertDetails?: string[];
}

const DEFAULTS: ImportValues = { format: 'gift', domain: '', levels: [], language: 'zh' };

/** The strings bank-import.js needs to render a result like the server does. */
function scriptMessages(locale: Locale): Record<string, string> {
  const keys = ['created', 'none', 'codes', 'duplicates', 'warnings', 'invalid', 'line', 'field', 'message', 'code', 'duplicateOf', 'uploading', 'importing', 'failed'];
  // Placeholders stay in for the script to fill.
  const keep = { n: '{n}', percent: '{percent}' };
  return {
    ...Object.fromEntries(keys.map((k) => [`msg-${k}`, translate(locale, `bank.import.${k}`, keep)])),
    'msg-health': translate(locale, 'bank.health.import'),
    'msg-healthOk': translate(locale, 'bank.health.importOk'),
    'msg-healthAll': translate(locale, 'bank.health.seeAll'),
  };
}

function renderImport(req: Request, res: Response, values: ImportValues, outcome: ImportOutcome = {}, status = 200): void {
  const locale = req.locale;
  const { report, invalid } = outcome;
  res.status(status).render('pages/bank/import', {
    title: translate(locale, 'bank.import.title'),
    extraCss: BANK_CSS,
    extraJs: ['/assets/bank-import.js'],
    formats: IMPORT_FORMATS.map((f) => ({ value: f, label: translate(locale, `bank.format.${f}`), selected: f === values.format })),
    domains: domainChoices(locale, values.domain, translate(locale, 'bank.import.domainFromFile')),
    levels: LEVELS_DESC.map((level) => ({ value: String(level), label: levelLabel(locale, level), checked: values.levels.includes(String(level)) })),
    languages: ['zh', 'en'].map((l) => ({ value: l, label: translate(locale, `bank.lang.${l}`), checked: l === values.language })),
    messages: Object.entries(scriptMessages(locale)).map(([name, text]) => ({ name, text })),
    hasResult: Boolean(report || invalid || outcome.alert),
    report: report && {
      created: translate(locale, report.created ? 'bank.import.created' : 'bank.import.none', { n: report.created }),
      codes: report.codes,
      duplicates: report.duplicates,
      warnings: report.warnings,
      health: report.created ? report.health.problems.map((p) => healthProblemText(locale, p)) : undefined,
    },
    invalid: invalid && { summary: translate(locale, 'bank.import.invalid', { n: invalid.total }), errors: invalid.errors },
    alert: outcome.alert,
    alertDetails: outcome.alertDetails ?? [],
  });
}

function readValues(fields: Record<string, string>): ImportValues {
  return {
    format: fields.format ?? DEFAULTS.format,
    domain: fields.domain ?? '',
    // One checkbox per level (level5…level1): multipart keeps only the last value of a repeated name.
    levels: LEVELS_DESC.map(String).filter((l) => fields[`level${l}`] !== undefined),
    language: fields.language ?? DEFAULTS.language,
  };
}

export function questionImportPagesRouter(): Router {
  const router = Router();

  router.get('/bank/import', (req, res) => renderImport(req, res, DEFAULTS));

  router.post('/bank/import', async (req, res) => {
    let values = DEFAULTS;
    // The form always posts multipart; a url-encoded body has already been read by the body parser.
    if (!req.is('multipart/form-data')) return renderImport(req, res, values, { alert: translate(req.locale, 'bank.import.noFile') }, 400);
    try {
      const upload = await readUploadText(req, IMPORT_LIMIT_BYTES, '20 MB');
      values = readValues(upload.fields);
      const query = parseInput(importQuerySchema, {
        format: values.format,
        language: values.language,
        ...(values.domain ? { domain: values.domain } : {}),
        ...(values.levels.length ? { levels: values.levels.join(',') } : {}),
      });
      if (!upload.text.trim()) return renderImport(req, res, values, { alert: translate(req.locale, 'bank.import.noFile') }, 400);
      const report = await importQuestions(req.user!, query.format, upload.text, {
        language: query.language,
        ...(query.domain ? { domain: query.domain } : {}),
        ...(query.levels ? { levels: query.levels } : {}),
      });
      renderImport(req, res, values, { report });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      if (err.code === 'import_invalid') {
        const details = err.details as { total: number; errors: ImportIssue[] };
        return renderImport(req, res, values, { invalid: details }, err.status);
      }
      const alertDetails = err instanceof ValidationError ? (err.details as ErrorDetail[]).map((d) => `${d.path ?? ''}: ${translateDetail(req.locale, d)}`) : [];
      renderImport(req, res, values, { alert: errorMessage(req.locale, err), alertDetails }, err.status);
    }
  });

  return router;
}
