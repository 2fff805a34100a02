import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IMAGE_ID } from '../../appearance/schema.ts';
import { readImage } from '../../store/images.ts';
import type { Store } from '../../store/store.ts';
import { ApiError, errorBody } from '../errors.ts';

/** An image's URL names its content: it never changes, so browsers and proxies keep it for a year. */
const FOREVER = 'public, max-age=31536000, immutable';

/**
 * Images uploaded for the widget (avatars), public like the widget itself: any site's page shows
 * them. Only PNG, JPEG, GIF and WebP are ever stored, and each is served as the type its bytes
 * are, never sniffed, and inert if opened on its own.
 */
export const imageRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  app.get(
    '/images/:id',
    {
      schema: {
        tags: ['visitor'],
        summary: 'An uploaded image (a bot avatar)',
        params: z.object({ id: z.string().regex(IMAGE_ID, 'an image id is 32 hex digits') }),
        response: {
          200: { description: 'The image, as image/png, image/jpeg, image/gif or image/webp', content: { 'image/*': { schema: z.instanceof(Buffer) } } },
          304: z.null().describe('Not modified (the ETag is the id).'),
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const etag = `"${id}"`;
      if (request.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).header('cache-control', FOREVER).send(null);
      const image = await readImage(store.db, id);
      if (!image) throw new ApiError(404, 'image_not_found', `there is no image ${id}`);
      return (
        reply
          .type(image.contentType)
          .header('cache-control', FOREVER)
          .header('etag', etag)
          .header('x-content-type-options', 'nosniff')
          // Embedded by other sites' pages, as widget.js is.
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(image.bytes)
      );
    },
  );
};
