import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IMAGE_MAX_BYTES, IMAGE_TYPES } from '../../appearance/image-type.ts';
import { imagePath } from '../../appearance/settings.ts';
import { saveImage } from '../../store/images.ts';
import type { Store } from '../../store/store.ts';
import { errorBody } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const storedImage = z
  .object({
    id: z.string().describe('Name it as `appearance.avatar` in the bot file.'),
    contentType: z.enum(IMAGE_TYPES),
    size: z.number().int(),
    url: z.string().describe('Where it is served (public).'),
  })
  .meta({ id: 'StoredImage' });

/** Uploading an image for a bot's appearance: the raw bytes as the body. */
export const adminImagesRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  // Its own context: only image bodies here, read as bytes, with the image size as the limit.
  await app.register(async (scope) => {
    const upload = scope.withTypeProvider<ZodTypeProvider>();
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser([...IMAGE_TYPES, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: IMAGE_MAX_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    upload.post(
      '/images',
      {
        bodyLimit: IMAGE_MAX_BYTES,
        schema: {
          ...ADMIN,
          summary: 'Upload an image (a bot avatar)',
          description:
            `The body is the image itself (PNG, JPEG, GIF or WebP, at most ${IMAGE_MAX_BYTES} bytes), sent as its image/* type or application/octet-stream. ` +
            'Its type is judged by its content, not its name or header: anything else (SVG, HTML…) is a 400. ' +
            'Its id is the first 32 hex digits of its SHA-256: the same image gets the same id anywhere (201 when new, 200 when it was stored already).',
          consumes: [...IMAGE_TYPES, 'application/octet-stream'],
          body: z.instanceof(Buffer).describe('The image bytes.'),
          response: { 200: storedImage, 201: storedImage, 413: errorBody, 415: errorBody, ...adminErrors },
        },
      },
      async (request, reply) => {
        const image = await saveImage(store.db, request.body);
        const view = { id: image.id, contentType: image.contentType, size: image.size, url: imagePath(image.id) };
        return reply.code(image.created ? 201 : 200).send(view);
      },
    );
  });
};
