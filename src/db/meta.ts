// Small facts the app keeps about its own database (e.g. which seed it last loaded), one document each.
import { Schema, model, type Model } from 'mongoose';

interface MetaEntry {
  _id: string;
  value: string;
  at: Date;
}

const metaSchema = new Schema<MetaEntry>({ _id: { type: String, required: true }, value: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
const MetaModel: Model<MetaEntry> = model<MetaEntry>('Meta', metaSchema, 'app_meta');

export async function readMeta(key: string): Promise<string | undefined> {
  return (await MetaModel.findById(key).lean<MetaEntry>())?.value;
}

export async function writeMeta(key: string, value: string): Promise<void> {
  await MetaModel.replaceOne({ _id: key }, { value, at: new Date() }, { upsert: true });
}
